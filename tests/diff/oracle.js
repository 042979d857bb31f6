'use strict';
// The independent oracle: translate one request in our format (CONTRACT-EVAL.md,
// man passrole-auditd-eval(5)) into an @cloud-copilot/iam-simulate Simulation
// and run it. The translation must not decide anything itself: it only maps
// fields, plus the two documented exemptions iam-simulate has no input for
// (management account, service-linked role: SCPs and RCPs do not apply), which
// it models by leaving those policies out, as AWS does.
//
// Known differences (tests/data/diff/known-differences.json) are modelled as
// named transformations of the Simulation: a disagreement is classified as a
// known difference only when re-running the oracle with that transformation
// (which makes it follow AWS's documented behaviour) gives our answer.

const path = require('path');

function loadSimulator() {
	// run.sh installs into DIFF_NODE_DIR (build dir for out-of-tree builds).
	const dirs = [];
	if (process.env.DIFF_NODE_DIR)
		dirs.push(path.join(process.env.DIFF_NODE_DIR, 'node_modules'));
	dirs.push(path.join(__dirname, 'node_modules'));
	for (const d of dirs) {
		try {
			return require(require.resolve('@cloud-copilot/iam-simulate', { paths: [d] }));
		} catch (e) {
			if (e.code !== 'MODULE_NOT_FOUND')
				throw e;
		}
	}
	throw new Error('@cloud-copilot/iam-simulate is not installed (run tests/diff/run.sh)');
}

const sim = loadSimulator();

function doc(p) {
	return typeof p.document === 'string' ? JSON.parse(p.document) : p.document;
}

function isRcpFullAccess(d) {
	const st = [].concat(d.Statement || []);
	return st.length === 1 && st[0].Effect === 'Allow' && st[0].Principal === '*' &&
		st[0].Action === '*' && st[0].Resource === '*' && !st[0].Condition;
}

function ctxValue(v) {
	if (Array.isArray(v))
		return v.map(ctxValue);
	return String(v);
}

function accountOf(arn) {
	const parts = String(arn).split(':');
	return parts.length >= 6 && /^\d{12}$/.test(parts[4]) ? parts[4] : null;
}

// Same-account requests only: an S3 ARN has no account field, the bucket is
// the caller's own.
function toSimulation(c) {
	const rq = c.request;
	const pol = c.policies || {};
	const acct = c.account || {};
	const exempt = !!(acct.is_management_account || acct.principal_is_service_linked_role);
	const ctx = {};
	for (const [k, v] of Object.entries(rq.context || {}))
		ctx[k] = ctxValue(v);
	const levels = (lv, prefix) => (lv || []).map((level, i) => ({
		orgIdentifier: i === 0 ? 'r-root' : `ou-${prefix}-${i}`,
		// iam-simulate attaches RCPFullAWSAccess to every level itself and
		// (rightly) rejects it as a custom RCP.
		policies: level.filter((p) => !(prefix === 'rcp' && isRcpFullAccess(doc(p))))
			.map((p) => ({ name: p.name, policy: doc(p) })),
	}));
	const s = {
		request: {
			principal: rq.principal,
			action: rq.action,
			resource: {
				resource: rq.resource,
				accountId: accountOf(rq.resource) || accountOf(rq.principal),
			},
			contextVariables: ctx,
		},
		identityPolicies: (pol.identity || []).map((p) => ({ name: p.name, policy: doc(p) })),
		serviceControlPolicies: exempt ? [] : levels(pol.scp, 'scp'),
		resourceControlPolicies: exempt ? [] : levels(pol.rcp, 'rcp'),
	};
	if (pol.boundary)
		s.permissionBoundaryPolicies = [{ name: pol.boundary.name, policy: doc(pol.boundary) }];
	if (pol.session && pol.session.length > 0) {
		if (pol.session.length !== 1)
			throw new Error('iam-simulate takes one session policy');
		s.sessionPolicy = doc(pol.session[0]);
	}
	if (pol.endpoint)
		s.vpcEndpointPolicies = [{ name: pol.endpoint.name, policy: doc(pol.endpoint) }];
	if (pol.resource && pol.resource.length > 0) {
		if (pol.resource.length !== 1)
			throw new Error('iam-simulate takes one resource policy');
		s.resourcePolicy = doc(pol.resource[0]);
	}
	return s;
}

const RESULT = {
	Allowed: 'allowed',
	ExplicitlyDenied: 'denied-explicit',
	ImplicitlyDenied: 'denied-implicit',
};

// Our verdict category from one pra-eval result line.
function ourVerdict(r) {
	if (!r || r.error)
		return 'error';
	if (r.decision === 'allowed')
		return 'allowed';
	if (r.decision === 'denied')
		return r.deny === 'explicit' ? 'denied-explicit' : 'denied-implicit';
	return r.decision || 'error';
}

async function runOracle(s) {
	const r = await sim.runSimulation(s, {});
	if (r.resultType === 'error')
		return { verdict: 'error', detail: JSON.stringify(r.errors) };
	if (r.resultType !== 'single')
		return { verdict: 'error', detail: `unexpected resultType ${r.resultType}` };
	const ign = r.result.ignoredContextKeys || [];
	if (ign.length > 0)
		return { verdict: 'error', detail: `iam-simulate ignored context keys ${ign.join(',')}` };
	const v = RESULT[r.overallResult];
	return v ? { verdict: v } : { verdict: 'error', detail: `unknown result ${r.overallResult}` };
}

// Services whose resources RCPs govern (AWS Organizations User Guide,
// "Resource control policies": list of supported AWS services).
const RCP_SERVICES = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager',
	'cognito-identity', 'logs', 'dynamodb', 'ecr', 'aoss']);

// Transformations named in known-differences.json. Each returns a new
// Simulation, or null when it does not apply to this case (so it cannot
// classify it).
const DATE_KEYS = new Set(['aws:currenttime', 'aws:epochtime', 'aws:tokenissuetime']);

function epochToIso(v) {
	return typeof v === 'string' && /^\d+$/.test(v) ? new Date(Number(v) * 1000).toISOString() : v;
}

// Apply f(op, key, values) -> values|undefined(delete) to every condition
// entry of every policy in the simulation; returns [newSimulation, changed].
function mapConditions(s, f) {
	let changed = false;
	const mapDoc = (d) => {
		const n = JSON.parse(JSON.stringify(d));
		for (const st of [].concat(n.Statement || [])) {
			for (const op of Object.keys(st.Condition || {})) {
				for (const key of Object.keys(st.Condition[op])) {
					const before = JSON.stringify(st.Condition[op][key]);
					const v = f(op, key, st.Condition[op][key]);
					if (v === undefined) {
						delete st.Condition[op][key];
						changed = true;
					} else if (JSON.stringify(v) !== before) {
						st.Condition[op][key] = v;
						changed = true;
					}
				}
				if (Object.keys(st.Condition[op]).length === 0)
					delete st.Condition[op];
			}
			if (st.Condition && Object.keys(st.Condition).length === 0)
				delete st.Condition;
		}
		return n;
	};
	const named = (p) => ({ ...p, policy: mapDoc(p.policy) });
	const n = {
		...s,
		identityPolicies: s.identityPolicies.map(named),
		serviceControlPolicies: s.serviceControlPolicies.map((l) => ({ ...l, policies: l.policies.map(named) })),
		resourceControlPolicies: s.resourceControlPolicies.map((l) => ({ ...l, policies: l.policies.map(named) })),
	};
	if (s.permissionBoundaryPolicies)
		n.permissionBoundaryPolicies = s.permissionBoundaryPolicies.map(named);
	if (s.vpcEndpointPolicies)
		n.vpcEndpointPolicies = s.vpcEndpointPolicies.map(named);
	if (s.sessionPolicy)
		n.sessionPolicy = mapDoc(s.sessionPolicy);
	if (s.resourcePolicy)
		n.resourcePolicy = mapDoc(s.resourcePolicy);
	return [n, changed];
}

// Apply f(doc) -> doc to every policy document of the simulation.
function mapDocs(s, f) {
	const named = (p) => ({ ...p, policy: f(JSON.parse(JSON.stringify(p.policy))) });
	const n = {
		...s,
		identityPolicies: s.identityPolicies.map(named),
		serviceControlPolicies: s.serviceControlPolicies.map((l) => ({ ...l, policies: l.policies.map(named) })),
		resourceControlPolicies: s.resourceControlPolicies.map((l) => ({ ...l, policies: l.policies.map(named) })),
	};
	if (s.permissionBoundaryPolicies)
		n.permissionBoundaryPolicies = s.permissionBoundaryPolicies.map(named);
	if (s.vpcEndpointPolicies)
		n.vpcEndpointPolicies = s.vpcEndpointPolicies.map(named);
	if (s.sessionPolicy)
		n.sessionPolicy = f(JSON.parse(JSON.stringify(s.sessionPolicy)));
	if (s.resourcePolicy)
		n.resourcePolicy = f(JSON.parse(JSON.stringify(s.resourcePolicy)));
	return n;
}

// Does the string hold a policy variable that cannot be resolved in this
// request (key absent or multivalued, and no default)?
function hasNullVariable(str, ctx) {
	const known = new Map(Object.entries(ctx).map(([k, v]) => [k.toLowerCase(), v]));
	for (const m of String(str).matchAll(/\$\{([^}]*)\}/g)) {
		const inner = m[1].trim();
		if (inner === '*' || inner === '?' || inner === '$' || inner.includes(','))
			continue;
		const v = known.get(inner.toLowerCase());
		if (v === undefined || Array.isArray(v))
			return true;
	}
	return false;
}

// Principal "*" or {"AWS": "*"} (alone or in a list).
function isWildcardPrincipal(p) {
	return p === '*' || (p !== null && typeof p === 'object' && p.AWS !== undefined &&
		[].concat(p.AWS).includes('*'));
}

// Does the statement have a Condition entry on aws:PrincipalArn?
function testsPrincipalArn(st) {
	return Object.values(st.Condition || {}).some((keys) =>
		Object.keys(keys).some((k) => k.toLowerCase() === 'aws:principalarn'));
}

const NEGATED = /^(For(Any|All)Values?:)?(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike)(IfExists)?$/;

const TRANSFORMS = {
	// A grant to the session's own ARN (role session or federated user) is
	// not limited by the session policy: leave the session policy out when
	// the resource-based policy names the session.
	'session-arn-grant-ignores-session-policy'(s) {
		const who = s.request.principal;
		if (!s.sessionPolicy || !s.resourcePolicy || !/:(assumed-role|federated-user)\//.test(who))
			return null;
		const names = [].concat(s.resourcePolicy.Statement || []).some((st) => st.Effect === 'Allow' &&
			st.Principal && st.Principal.AWS !== undefined && [].concat(st.Principal.AWS).includes(who));
		if (!names)
			return null;
		const n = { ...s };
		delete n.sessionPolicy;
		return n;
	},
	// 0.0.0.0/0 is every IPv4 address; iam-simulate matches none with it.
	// Write it as the two /1 halves, which it handles.
	'ip-zero-prefix-as-halves'(s) {
		const split = (vals) => ([].concat(vals).includes('0.0.0.0/0')
			? [].concat(vals).flatMap((v) => (v === '0.0.0.0/0' ? ['0.0.0.0/1', '128.0.0.0/1'] : [v])) : vals);
		const [n, changed] = mapConditions(s, (op, key, vals) => (/IpAddress/.test(op) ? split(vals) : vals));
		return changed ? n : null;
	},
	// Principal "*" without an aws:PrincipalArn condition is none of the
	// grants AWS lists as not limited by a permissions boundary; iam-simulate
	// lets it lift the boundary's implicit deny. Write such wildcard
	// principals as the account, which grants without lifting the boundary.
	'wildcard-principal-no-boundary-bypass'(s) {
		if (!s.permissionBoundaryPolicies || !s.resourcePolicy)
			return null;
		const acct = s.request.resource.accountId;
		let changed = false;
		const d = JSON.parse(JSON.stringify(s.resourcePolicy));
		for (const st of [].concat(d.Statement || [])) {
			if (isWildcardPrincipal(st.Principal) && !testsPrincipalArn(st)) {
				st.Principal = st.Principal === '*' ? { AWS: acct } :
					{ ...st.Principal, AWS: [].concat(st.Principal.AWS).map((a) => (a === '*' ? acct : a)) };
				changed = true;
			}
		}
		return changed ? { ...s, resourcePolicy: d } : null;
	},
	// "Permissions boundaries and session policies do not limit permissions
	// granted using the aws:PrincipalArn condition key with a wildcard(*) in
	// the Principal element": iam-simulate still applies the session policy.
	// Let the session policy allow what each such statement grants (same
	// actions, resources and conditions), keeping its own denies.
	'wildcard-principal-arn-session-grant'(s) {
		if (!s.sessionPolicy || !s.resourcePolicy)
			return null;
		const add = [];
		for (const st of [].concat(s.resourcePolicy.Statement || [])) {
			if (st.Effect !== 'Allow' || !isWildcardPrincipal(st.Principal) || !testsPrincipalArn(st))
				continue;
			const g = { Effect: 'Allow' };
			for (const el of ['Action', 'NotAction', 'Resource', 'NotResource', 'Condition'])
				if (st[el] !== undefined)
					g[el] = JSON.parse(JSON.stringify(st[el]));
			if (g.Resource === undefined && g.NotResource === undefined)
				g.Resource = '*';
			add.push(g);
		}
		if (add.length === 0)
			return null;
		const d = JSON.parse(JSON.stringify(s.sessionPolicy));
		d.Statement = [].concat(d.Statement || []).concat(add);
		return { ...s, sessionPolicy: d };
	},
	// "If you specify an IP address without the associated routing prefix,
	// IAM uses the default prefix value of /32": write the prefix out.
	'ip-bare-address-prefix'(s) {
		const pre = (v) => (typeof v === 'string' && !v.includes('/') ? `${v}/${v.includes(':') ? 128 : 32}` : v);
		const [n, changed] = mapConditions(s, (op, key, vals) => (/IpAddress/.test(op)
			? (Array.isArray(vals) ? vals.map(pre) : pre(vals)) : vals));
		return changed ? n : null;
	},
	// The engine's reading (no AWS sentence settles it): a multivalued key
	// present with no value is a null data set, so Null sees it as null.
	// Rewrite Null on such keys to what that reading gives.
	'null-on-empty-multivalued-key'(s) {
		const empty = new Set(Object.entries(s.request.contextVariables)
			.filter(([, v]) => Array.isArray(v) && v.length === 0).map(([k]) => k.toLowerCase()));
		if (empty.size === 0)
			return null;
		const [n, changed] = mapConditions(s, (op, key, vals) => {
			if (op !== 'Null' || !empty.has(key.toLowerCase()))
				return vals;
			return String(vals) === 'true' ? undefined : 'true';
		});
		return changed ? n : null;
	},
	// Without Version 2012-10-17 "${...}" is literal text: spell it so that
	// iam-simulate (which substitutes whatever the Version) produces the
	// same literal, with its ${$} escape.
	'variables-literal-without-2012-version'(s) {
		let changed = false;
		const lit = (v) => {
			if (typeof v !== 'string' || !v.includes('${'))
				return v;
			changed = true;
			return v.split('${').join('${$}{');
		};
		const n = mapDocs(s, (d) => {
			if (d.Version === '2012-10-17')
				return d;
			for (const st of [].concat(d.Statement || [])) {
				for (const el of ['Resource', 'NotResource'])
					if (st[el] !== undefined)
						st[el] = Array.isArray(st[el]) ? st[el].map(lit) : lit(st[el]);
				for (const op of Object.keys(st.Condition || {}))
					for (const key of Object.keys(st.Condition[op])) {
						const v = st.Condition[op][key];
						st.Condition[op][key] = Array.isArray(v) ? v.map(lit) : lit(v);
					}
			}
			return d;
		});
		return changed ? n : null;
	},
	// Arn* operators take policy variables; iam-simulate splits the ARN at
	// its colons before substituting, and every variable name has a colon.
	// Substitute the resolvable ones first, as AWS does.
	'arn-condition-variables-substituted'(s) {
		const known = new Map(Object.entries(s.request.contextVariables).map(([k, v]) => [k.toLowerCase(), v]));
		let changed = false;
		const sub = (v) => (typeof v !== 'string' ? v : v.replace(/\$\{([^}]*)\}/g, (all, inner) => {
			const val = known.get(inner.trim().toLowerCase());
			if (typeof val !== 'string')
				return all;
			changed = true;
			return val;
		}));
		const n = mapDocs(s, (d) => {
			if (d.Version !== '2012-10-17')
				return d;
			for (const st of [].concat(d.Statement || []))
				for (const op of Object.keys(st.Condition || {}))
					if (/^(For(Any|All)Values?:)?Arn/.test(op))
						for (const key of Object.keys(st.Condition[op])) {
							const v = st.Condition[op][key];
							st.Condition[op][key] = Array.isArray(v) ? v.map(sub) : sub(v);
						}
			return d;
		});
		return changed ? n : null;
	},
	// "Inverted condition operators like StringNotEquals or StringNotLike do
	// match against a null value": a policy value whose variable has no value
	// can never equal the key, so it drops out of a negated operator's list;
	// with no value left the entry holds.
	'null-variable-negated-operator'(s) {
		const ctx = s.request.contextVariables;
		let changed = false;
		const n = mapDocs(s, (d) => {
			if (d.Version !== '2012-10-17')
				return d;
			for (const st of [].concat(d.Statement || [])) {
				for (const op of Object.keys(st.Condition || {})) {
					if (!NEGATED.test(op))
						continue;
					for (const key of Object.keys(st.Condition[op])) {
						const vals = [].concat(st.Condition[op][key]);
						const kept = vals.filter((v) => !hasNullVariable(v, ctx));
						if (kept.length === vals.length)
							continue;
						changed = true;
						if (kept.length === 0)
							delete st.Condition[op][key];
						else
							st.Condition[op][key] = kept;
					}
					if (Object.keys(st.Condition[op]).length === 0)
						delete st.Condition[op];
				}
				if (st.Condition && Object.keys(st.Condition).length === 0)
					delete st.Condition;
			}
			return d;
		});
		return changed ? n : null;
	},
	// "If a variable that has no value in the authorization context is used
	// as part of the Resource or NotResource element of a policy, the
	// resource that includes a policy variable with no value will not match
	// any resource": such a NotResource entry excludes nothing.
	'null-variable-notresource'(s) {
		const ctx = s.request.contextVariables;
		let changed = false;
		const n = mapDocs(s, (d) => {
			if (d.Version !== '2012-10-17')
				return d;
			for (const st of [].concat(d.Statement || [])) {
				if (st.NotResource === undefined)
					continue;
				const vals = [].concat(st.NotResource);
				const kept = vals.filter((v) => !hasNullVariable(v, ctx));
				if (kept.length === vals.length)
					continue;
				changed = true;
				if (kept.length === 0) {
					delete st.NotResource;
					st.Resource = '*';
				} else {
					st.NotResource = kept;
				}
			}
			return d;
		});
		return changed ? n : null;
	},

	// Date operators: AWS reads an all-digit value as epoch *seconds*; write
	// every such value (policy and request) as the same instant in ISO 8601.
	'date-epoch-seconds-as-iso'(s) {
		const [n, changed] = mapConditions(s, (op, key, vals) => (/^(For(Any|All)Values?:)?Date/.test(op)
			? (Array.isArray(vals) ? vals.map(epochToIso) : epochToIso(vals)) : vals));
		let ctxChanged = false;
		const ctx = { ...s.request.contextVariables };
		for (const k of Object.keys(ctx)) {
			if (DATE_KEYS.has(k.toLowerCase())) {
				const v = epochToIso(ctx[k]);
				ctxChanged = ctxChanged || v !== ctx[k];
				ctx[k] = v;
			}
		}
		if (!changed && !ctxChanged)
			return null;
		return { ...n, request: { ...n.request, contextVariables: ctx } };
	},
	// ...IfExists: "If the key is not present, evaluate the condition element
	// as true", with or without a set operator: drop such entries whose key is
	// absent from the request.
	'ifexists-absent-key-true'(s) {
		const present = new Set(Object.keys(s.request.contextVariables).map((k) => k.toLowerCase()));
		const [n, changed] = mapConditions(s, (op, key, vals) =>
			(/IfExists$/.test(op) && /^For(Any|All)Values?:/.test(op) && !present.has(key.toLowerCase()) ? undefined : vals));
		return changed ? n : null;
	},

	'drop-rcps-for-unsupported-services'(s) {
		const svc = s.request.action.split(':')[0].toLowerCase();
		if (RCP_SERVICES.has(svc) || s.resourceControlPolicies.length === 0)
			return null;
		return { ...s, resourceControlPolicies: [] };
	},
};

// Which known differences explain this disagreement: first each applicable
// transformation alone; when none does, all applicable ones together (a
// case may hit two differences at once).
async function classify(s, ours, known) {
	const hits = [];
	const applicable = [];
	for (const k of known) {
		const t = TRANSFORMS[k.transform];
		if (!t)
			throw new Error(`known difference ${k.id}: no transform ${k.transform}`);
		const s2 = t(s);
		if (!s2)
			continue;
		applicable.push(k);
		const r = await runOracle(s2);
		if (r.verdict === ours)
			hits.push(k.id);
	}
	if (hits.length === 0 && applicable.length > 1) {
		let cur = s;
		for (const k of applicable)
			cur = TRANSFORMS[k.transform](cur) || cur;
		const r = await runOracle(cur);
		if (r.verdict === ours)
			return applicable.map((k) => k.id);
	}
	return hits;
}

module.exports = { sim, toSimulation, runOracle, ourVerdict, classify, TRANSFORMS };
