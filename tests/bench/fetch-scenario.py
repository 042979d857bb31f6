#!/usr/bin/python3
"""The fetch benchmark's organization: gen_scenario.py's accounts, plus in
every member account the audit role (trusting the management account with an
ExternalId) and VPC endpoints in two regions.

    fetch-scenario.py --accounts N --regions a,b [--endpoints N] > org.json

Page sizes: IAM 10 (each account's IAM is a few pages), EC2 2 (each region
two pages with the default three endpoints), Organizations 20.
"""

import argparse
import json
import os
import subprocess
import sys

ROLE_PATH = "/"
ROLE_NAME = "PassroleAuditor"
EXTERNAL_ID = "bench-ext-id"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--regions", default="eu-west-1,us-east-1")
    ap.add_argument("--endpoints", type=int, default=3)
    args = ap.parse_args()
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "emulator",
                       "gen_scenario.py")
    out = subprocess.run([sys.executable, gen, "--accounts", str(args.accounts), "--users", "5",
                          "--roles", "10", "--policies", "5", "--ous", "4",
                          "--iam-page-size", "10", "--seed", "5"],
                         check=True, capture_output=True, text=True).stdout
    scen = json.loads(out)
    mgmt = scen["organization"]["management_account"]
    regions = args.regions.split(",")
    for acct, body in scen["accounts"].items():
        if acct != mgmt:
            body["iam"]["roles"].append({
                "name": ROLE_NAME, "path": ROLE_PATH,
                "trust_policy": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{mgmt}:root"},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]},
                "attached_policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]})
        body["vpc_endpoints"] = {r: [{
            "id": f"vpce-{acct[-8:]}{n:04d}{i}", "type": "Gateway" if n % 2 == 0 else "Interface",
            "vpc_id": f"vpc-{acct[-8:]}", "service_name": f"com.amazonaws.{r}.s3",
            "policy": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}}
            for n in range(args.endpoints)] for i, r in enumerate(regions)}
    scen["page_sizes"] = {"iam": 10, "organizations": 20, "ec2": 2}
    scen["description"] = (f"fetch benchmark: {args.accounts} accounts x {len(regions)} regions "
                           f"({scen['description']})")
    json.dump(scen, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
