"""Emulator figures for `make bench`, printed as `name: value` lines: start-up time
to the port file, one signed STS call, and a full GetAccountAuthorizationDetails
fetch of a generated 1000-role account (so daemon benchmarks can subtract the
emulator's share)."""

import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emutest import BASIC, PYTHON, Emulator, client  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    starts = []
    for _ in range(5):
        with Emulator() as emu:
            starts.append(emu.startup_seconds)
    print(f"emulator_startup_ms: {statistics.median(starts) * 1000:.0f}")

    with Emulator(BASIC) as emu:
        sts = client(emu, "sts")
        sts.get_caller_identity()
        times = []
        for _ in range(50):
            t0 = time.perf_counter()
            sts.get_caller_identity()
            times.append(time.perf_counter() - t0)
        print(f"emulator_sts_call_ms: {statistics.median(times) * 1000:.2f}")

    fd, big = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        subprocess.run([PYTHON, os.path.join(HERE, "gen_scenario.py"), "--roles", "1000",
                        "--users", "200", "--policies", "200"], stdout=f, check=True)
    try:
        with Emulator(big) as emu:
            iam = client(emu, "iam")
            t0 = time.perf_counter()
            n = 0
            for page in iam.get_paginator("get_account_authorization_details").paginate():
                n += sum(len(page[k]) for k in ("UserDetailList", "GroupDetailList",
                                                "RoleDetailList", "Policies"))
            took = time.perf_counter() - t0
        print(f"emulator_gaad_1000_roles_entities: {n}")
        print(f"emulator_gaad_1000_roles_ms: {took * 1000:.0f}")
    finally:
        os.unlink(big)


if __name__ == "__main__":
    main()
