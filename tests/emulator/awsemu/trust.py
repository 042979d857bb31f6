"""The AssumeRole trust-policy check.

Not an IAM evaluator: enough of the language to decide whether a role's
trust policy lets a caller assume it. A statement applies when its Action
(or NotAction) covers sts:AssumeRole, its Principal (or NotPrincipal) names
the caller ('*', {"AWS": "*"}, the caller's account id or account root ARN,
the caller's ARN, or for a role session the role's ARN), and every condition
holds. Conditions understood: the String*/Arn* operators (with IfExists) on
sts:ExternalId, sts:RoleSessionName, aws:PrincipalAccount, aws:PrincipalArn,
aws:PrincipalOrgID; any other operator or key makes the statement not apply
(so an unknown condition never grants access). Allowed = some Allow
statement applies and no Deny statement does.
"""

import fnmatch
import json


def _as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _glob(pattern, value, fold=True):
    if fold:
        pattern, value = pattern.lower(), value.lower()
    # IAM wildcards are * and ?; fnmatch also knows [...] which IAM does not.
    pattern = pattern.replace("[", "[[]")
    return fnmatch.fnmatchcase(value, pattern)


def _principal_matches(principal, caller):
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    acct = caller["account"]
    names = {"*", acct, f"arn:{caller['partition']}:iam::{acct}:root", caller["arn"]}
    if caller.get("role_arn"):
        names.add(caller["role_arn"])
    return any(p in names for p in _as_list(principal.get("AWS")))


def _string_op(op, want, have):
    base = op[:-len("IfExists")] if op.endswith("IfExists") else op
    if have is None:
        return op.endswith("IfExists") or base.startswith(("StringNot", "ArnNot"))
    if base in ("StringEquals", "ArnEquals"):
        return any(w == have for w in want)
    if base == "StringEqualsIgnoreCase":
        return any(w.lower() == have.lower() for w in want)
    if base in ("StringNotEquals", "ArnNotEquals"):
        return all(w != have for w in want)
    if base == "StringNotEqualsIgnoreCase":
        return all(w.lower() != have.lower() for w in want)
    if base in ("StringLike", "ArnLike"):
        return any(_glob(w, have, fold=False) for w in want)
    if base in ("StringNotLike", "ArnNotLike"):
        return not any(_glob(w, have, fold=False) for w in want)
    return None


def _conditions_hold(cond, context):
    if cond is None:
        return True
    if not isinstance(cond, dict):
        return False
    for op, block in cond.items():
        if not isinstance(block, dict):
            return False
        for key, values in block.items():
            k = key.lower()
            if k not in context:
                return False
            want = [str(v) for v in _as_list(values)]
            ok = _string_op(op, want, context[k])
            if not ok:  # None (unknown operator) or False
                return False
    return True


def _statement_applies(st, caller, context):
    if "Action" in st:
        if not any(_glob(a, "sts:AssumeRole") for a in _as_list(st["Action"]) if isinstance(a, str)):
            return False
    elif "NotAction" in st:
        if any(_glob(a, "sts:AssumeRole") for a in _as_list(st["NotAction"]) if isinstance(a, str)):
            return False
    else:
        return False
    if "Principal" in st:
        if not _principal_matches(st["Principal"], caller):
            return False
    elif "NotPrincipal" in st:
        if _principal_matches(st["NotPrincipal"], caller):
            return False
    else:
        return False
    return _conditions_hold(st.get("Condition"), context)


def may_assume(trust_policy_text, caller, external_id, session_name, org_id):
    """True when the trust policy lets `caller` assume the role.

    `caller`: dict with arn, account, partition and, for a role session,
    role_arn. `org_id`: the caller account's organization id or None.
    """
    try:
        doc = json.loads(trust_policy_text)
    except (ValueError, TypeError):
        return False
    if not isinstance(doc, dict):
        return False
    context = {"sts:externalid": external_id, "sts:rolesessionname": session_name,
               "aws:principalaccount": caller["account"], "aws:principalarn":
               caller.get("role_arn") or caller["arn"], "aws:principalorgid": org_id}
    allowed = False
    for st in _as_list(doc.get("Statement")):
        if not isinstance(st, dict):
            continue
        if _statement_applies(st, caller, context):
            if st.get("Effect") == "Deny":
                return False
            if st.get("Effect") == "Allow":
                allowed = True
    return allowed
