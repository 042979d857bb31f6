"""The /_emu/ control endpoints (no signature; JSON in and out)."""

import json

from . import faults
from .scenario import ScenarioError, load_bytes


def _body_json(req):
    try:
        return json.loads(req.body.decode("utf-8")) if req.body.strip() else {}
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"request body is not JSON: {e}") from None


def handle(h, req):
    """Answer a control request through handler `h`."""
    state = h.server.state
    route = (req.method, req.path.rstrip("/"))
    if route == ("GET", "/_emu/health"):
        h.send_json(200, {"ok": True})
    elif route == ("GET", "/_emu/requests"):
        h.send_json(200, state.requests.snapshot())
    elif route == ("GET", "/_emu/faults"):
        h.send_json(200, state.faults.pending())
    elif route == ("POST", "/_emu/fault"):
        try:
            fault = faults.validate(_body_json(req))
        except (ValueError, faults.FaultSpecError) as e:
            h.send_json(400, {"error": f"bad fault: {e}"})
            return
        state.faults.add(fault)
        h.send_json(200, {"ok": True, "fault": fault})
    elif route == ("POST", "/_emu/reset"):
        state.faults.clear()
        state.requests.clear()
        h.send_json(200, {"ok": True})
    elif route == ("POST", "/_emu/scenario"):
        try:
            scenario = load_bytes(req.body, "POST /_emu/scenario")
        except ScenarioError as e:
            h.send_json(400, {"error": str(e)})
            return
        state.replace_scenario(scenario)
        h.send_json(200, {"ok": True})
    elif route == ("POST", "/_emu/shutdown"):
        h.close_connection = True
        h.send_json(200, {"ok": True})
        h.server.stop_soon()
    else:
        h.send_json(404, {"error": f"no control endpoint {req.method} {req.path}"})
