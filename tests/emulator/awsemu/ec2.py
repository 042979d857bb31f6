"""EC2: DescribeVpcEndpoints (ec2 protocol, 2016-11-15).

Answers with the caller account's endpoints in the region of the request's
signing scope. Supports VpcEndpointId.N, Filter.N.Name/Value.M (vpc-endpoint-id,
vpc-endpoint-type, vpc-endpoint-state, vpc-id, service-name, tag:KEY),
MaxResults (1 or more, at most 1000; the scenario's page_sizes.ec2 caps it)
and NextToken.
"""

import re

from . import paging
from .errors import AwsError
from .wire import Items

_FILTER_FIELDS = {"vpc-endpoint-id": "id", "vpc-endpoint-type": "type",
                  "vpc-endpoint-state": "state", "vpc-id": "vpc_id",
                  "service-name": "service_name"}


def _indexed(params, prefix):
    """{N: value} for keys PREFIX.N."""
    out = {}
    rx = re.compile(re.escape(prefix) + r"\.([0-9]+)$")
    for k, v in params.items():
        m = rx.match(k)
        if m:
            out[int(m.group(1))] = v
    return [out[i] for i in sorted(out)]


def _filters(params):
    filters = []
    names = {}
    for k, v in params.items():
        m = re.match(r"^Filter\.([0-9]+)\.Name$", k)
        if m:
            names[int(m.group(1))] = v
    for n in sorted(names):
        values = _indexed(params, f"Filter.{n}.Value")
        name = names[n]
        if name not in _FILTER_FIELDS and not name.startswith("tag:"):
            raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")
        filters.append((name, values))
    return filters


def _matches(ep, filters):
    for name, values in filters:
        if name.startswith("tag:"):
            have = ep["tags"].get(name[4:])
        else:
            have = ep[_FILTER_FIELDS[name]]
        if have not in values:
            return False
    return True


def _render(ep):
    gwlb = ep["type"] == "GatewayLoadBalancer"
    body = [("vpcEndpointId", ep["id"]), ("vpcEndpointType", ep["type"]),
            ("vpcId", ep["vpc_id"]), ("serviceName", ep["service_name"]),
            ("state", ep["state"]), ("policyDocument", ep["policy"])]
    if not gwlb:
        body.append(("routeTableIdSet", Items(ep["route_table_ids"])))
    body.append(("subnetIdSet", Items(ep["subnet_ids"])))
    if not gwlb:
        body.append(("groupSet", Items([[("groupId", g["id"]), ("groupName", g["name"])]
                                        for g in ep["groups"]])))
    if ep["type"] == "Interface":
        body += [("ipAddressType", "ipv4"), ("dnsOptions", [("dnsRecordIpType", "ipv4")])]
    if not gwlb:
        body.append(("privateDnsEnabled", ep["private_dns_enabled"]))
    body += [("requesterManaged", ep["requester_managed"]),
             ("networkInterfaceIdSet", Items(ep["network_interface_ids"]))]
    if not gwlb:
        body.append(("dnsEntrySet", Items([[("dnsName", d["dns_name"]),
                                            ("hostedZoneId", d["hosted_zone_id"])]
                                           for d in ep["dns_entries"]])))
    body += [("creationTimestamp", ep["creation_timestamp"]),
             ("tagSet", Items([[("key", k), ("value", v)] for k, v in ep["tags"].items()])),
             ("ownerId", ep["owner_id"])]
    return body


def describe_vpc_endpoints(ctx):
    p = ctx.params
    account = ctx.scenario.accounts.get(ctx.caller["account"])
    endpoints = list(account["vpc_endpoints"].get(ctx.region, [])) if account else []
    ids = _indexed(p, "VpcEndpointId")
    filters = _filters(p)
    if ids:
        known = {e["id"] for e in endpoints}
        for i in ids:
            if i not in known:
                raise AwsError("InvalidVpcEndpointId.NotFound",
                               f"The Vpc Endpoint Id '{i}' does not exist")
        endpoints = [e for e in endpoints if e["id"] in ids]
    endpoints = [e for e in endpoints if _matches(e, filters)]
    size = ctx.scenario.page_sizes["ec2"]
    if "MaxResults" in p:
        try:
            mr = int(p["MaxResults"])
        except ValueError:
            raise AwsError("InvalidParameterValue",
                           f"Value ({p['MaxResults']}) for parameter maxResults is invalid. "
                           "Expecting a value greater than 0.") from None
        if mr < 1:
            raise AwsError("InvalidParameterValue",
                           f"Value ({mr}) for parameter maxResults is invalid. "
                           "Expecting a value greater than 0.")
        size = min(size, mr, 1000)
    fixed = sorted((k, v) for k, v in p.items() if k not in ("NextToken", "MaxResults"))
    context = f"DVE|{ctx.caller['account']}|{ctx.region}|{fixed}"
    offset = 0
    if p.get("NextToken"):
        offset = paging.read_token(context, p["NextToken"])
        if offset is None or offset > len(endpoints):
            raise AwsError("InvalidPaginationToken", f"Invalid pagination token: {p['NextToken']}")
    chunk, nxt = paging.page(endpoints, offset, size)
    body = [("vpcEndpointSet", Items([_render(e) for e in chunk]))]
    if nxt is not None:
        body.append(("nextToken", paging.make_token(context, nxt)))
    return body


OPERATIONS = {"DescribeVpcEndpoints": describe_vpc_endpoints}
