#!/usr/bin/env node
'use strict';
// Seeded generator of random but valid IAM evaluation cases for the
// differential test. For each case it writes our request (CONTRACT-EVAL.md)
// as one JSONL line and runs iam-simulate on the same case, recording its
// verdict (allowed / denied-explicit / denied-implicit, or error).
//
//   node gen.js --seed S --count N --cases OUT.jsonl --oracle OUT.jsonl
//   node gen.js --seed S --count N --cases OUT.jsonl --no-oracle
//
// Every context key a policy can look at is either given a value or left
// absent on purpose (nothing is "unknown"), so the right decision is always
// allowed, explicit deny or implicit deny.

const fs = require('fs');

const A = '111122223333';
const OTHER = '444455556666';

function rng(seed) {
	// mulberry32: small, fast, and the same on every node version.
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const r = {
		f: next,
		int: (n) => Math.floor(next() * n),
		chance: (p) => next() < p,
		pick: (arr) => arr[Math.floor(next() * arr.length)],
		some: (arr, lo, hi) => {
			const n = lo + Math.floor(next() * (hi - lo + 1));
			const out = [];
			for (let i = 0; i < n; i++)
				out.push(arr[Math.floor(next() * arr.length)]);
			return [...new Set(out)];
		},
	};
	return r;
}

// ---------------------------------------------------------------- universe

const ROLES = [
	{ arn: `arn:aws:iam::${A}:role/Admin`, tags: { env: 'prod' } },
	{ arn: `arn:aws:iam::${A}:role/ops/Admin`, tags: { env: 'prod' } },
	{ arn: `arn:aws:iam::${A}:role/ops/DeployAdmin`, tags: { env: 'dev' } },
	{ arn: `arn:aws:iam::${A}:role/admin`, tags: {} },
	{ arn: `arn:aws:iam::${A}:role/service-role/LambdaExec`, tags: { env: 'dev' } },
	{ arn: `arn:aws:iam::${A}:role/Platform/Builder`, tags: { env: 'Prod' } },
	{ arn: `arn:aws:iam::${A}:role/bob`, tags: {} },
	{ arn: `arn:aws:iam::${A}:role/data`, tags: { env: 'prod' } },
];

const PRINCIPALS = [
	{ kind: 'user', arn: `arn:aws:iam::${A}:user/alice`, name: 'alice', id: 'AIDAALICE0000000001' },
	{ kind: 'user', arn: `arn:aws:iam::${A}:user/eng/bob`, name: 'bob', id: 'AIDABOB000000000002' },
	{ kind: 'role', arn: `arn:aws:iam::${A}:role/PlatformDeploy`, id: 'AROAPLATFORM0000003' },
	{ kind: 'role', arn: `arn:aws:iam::${A}:role/ops/Builder`, id: 'AROABUILDER00000004' },
	{ kind: 'session', arn: `arn:aws:sts::${A}:assumed-role/PlatformDeploy/ci-run`,
		role: `arn:aws:iam::${A}:role/PlatformDeploy`, id: 'AROAPLATFORM0000003:ci-run' },
	{ kind: 'session', arn: `arn:aws:sts::${A}:assumed-role/Builder/alice`,
		role: `arn:aws:iam::${A}:role/ops/Builder`, id: 'AROABUILDER00000004:alice' },
	{ kind: 'federated', arn: `arn:aws:sts::${A}:federated-user/bob`, id: `${A}:bob` },
	{ kind: 'slr', arn: `arn:aws:iam::${A}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`,
		id: 'AROASLR000000000005' },
];

const SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'cloudformation.amazonaws.com',
	'events.amazonaws.com', 'EC2.amazonaws.com'];

// Requested actions other than PassRole, each with a single resource type.
const OTHER_REQUESTS = [
	{ action: 'iam:GetRole', resource: () => null /* a role */ },
	{ action: 's3:GetObject', resource: (r) => r.pick([
		'arn:aws:s3:::bucket-a/reports/q1.csv', 'arn:aws:s3:::bucket-b/x', 'arn:aws:s3:::bucket-a/Reports/q1.csv']) },
	{ action: 'lambda:InvokeFunction', resource: (r) => r.pick([
		`arn:aws:lambda:us-east-1:${A}:function:deploy`, `arn:aws:lambda:eu-west-1:${A}:function:Deploy`]) },
];

// Condition keys with their types and value pools. pass: only in PassRole
// requests (iam:* keys are action-specific).
const KEYS = {
	'iam:PassedToService': { t: 'str', pass: true, vals: SERVICES.concat(['*.amazonaws.com', 'ec2.*', 'EC2.AMAZONAWS.COM']) },
	'iam:AssociatedResourceArn': { t: 'arn', pass: true,
		vals: [`arn:aws:ec2:us-east-1:${A}:instance/i-0abc`, `arn:aws:lambda:us-east-1:${A}:function:deploy`] },
	'iam:ResourceTag/env': { t: 'str', pass: true, vals: ['prod', 'dev', 'Prod'] },
	'aws:ResourceTag/env': { t: 'str', vals: ['prod', 'dev', 'Prod'] },
	'aws:PrincipalArn': { t: 'arn', vals: PRINCIPALS.map((p) => p.role || p.arn).concat([
		`arn:aws:iam::*:role/Platform*`, `arn:aws:iam::${A}:user/*`, `arn:aws:iam::${A}:role/*`]) },
	'aws:PrincipalAccount': { t: 'str', vals: [A, OTHER] },
	'aws:PrincipalOrgID': { t: 'str', vals: ['o-abc123', 'o-zzz999'] },
	'aws:username': { t: 'str', vals: ['alice', 'bob', 'Alice'] },
	'aws:userid': { t: 'str', vals: PRINCIPALS.map((p) => p.id).concat(['AROA*', '*:alice']) },
	'aws:PrincipalTag/team': { t: 'str', vals: ['platform', 'data', 'Platform', 'plat*'] },
	'aws:PrincipalTag/bin': { t: 'bin', vals: ['aGVsbG8=', 'd29ybGQ='] },
	'aws:RequestedRegion': { t: 'str', vals: ['us-east-1', 'eu-west-1', 'us-*'] },
	'aws:SourceVpce': { t: 'str', vals: ['vpce-0abc', 'vpce-1def'] },
	'aws:SourceIp': { t: 'ip', vals: ['10.0.0.0/8', '192.168.1.0/24', '203.0.113.7/32', '203.0.113.7', '2001:db8::/32',
		'0.0.0.0/0', '2001:db8:0:0::/64', '192.168.1.77/24'] },
	'aws:MultiFactorAuthPresent': { t: 'bool', vals: ['true', 'false', true, false] },
	'aws:SecureTransport': { t: 'bool', vals: ['true', 'false'] },
	'aws:ViaAWSService': { t: 'bool', vals: ['true', 'false'] },
	'aws:MultiFactorAuthAge': { t: 'num', vals: ['3600', '0', '86400', '300', 7200, '3600.5', '-1'] },
	'aws:CurrentTime': { t: 'date', vals: ['2024-01-01T00:00:00Z', '2025-06-01T12:00:00Z', '2030-01-01T00:00:00Z', '1735689600',
		'2024-06-01', '2024-06-01T02:00:00+02:00', '2025-06-01T12:00:00.000Z'] },
	'aws:EpochTime': { t: 'date', vals: ['1700000000', '1800000000', '2024-01-01T00:00:00Z'] },
	'aws:TagKeys': { t: 'str', multi: true, vals: ['team', 'env', 'owner', 'Env'] },
	'aws:CalledVia': { t: 'str', multi: true, vals: ['cloudformation.amazonaws.com', 'athena.amazonaws.com'] },
};

// Request values per key (what the context can hold).
const REQ_VALS = {
	'iam:PassedToService': SERVICES,
	'iam:AssociatedResourceArn': KEYS['iam:AssociatedResourceArn'].vals,
	'aws:PrincipalOrgID': ['o-abc123', 'o-zzz999'],
	'aws:PrincipalTag/team': ['platform', 'data', 'Platform'],
	'aws:PrincipalTag/bin': ['aGVsbG8=', 'd29ybGQ='],
	'aws:RequestedRegion': ['us-east-1', 'eu-west-1'],
	'aws:SourceVpce': ['vpce-0abc', 'vpce-1def'],
	'aws:SourceIp': ['10.1.2.3', '192.168.1.50', '203.0.113.7', '8.8.8.8', '2001:db8::1', '2001:0db8:0000::0001'],
	'aws:MultiFactorAuthPresent': ['true', 'false'],
	'aws:SecureTransport': ['true', 'false'],
	'aws:ViaAWSService': ['true', 'false'],
	'aws:MultiFactorAuthAge': ['3600', '10', '90000'],
	'aws:CurrentTime': ['2024-06-01T00:00:00Z', '2025-06-01T12:00:00Z', '2023-01-01T00:00:00Z', '2024-06-01T00:00:00.000Z'],
	'aws:EpochTime': ['1700000000', '1750000000'],
	'aws:TagKeys': ['team', 'env', 'owner'],
	'aws:CalledVia': ['cloudformation.amazonaws.com', 'athena.amazonaws.com'],
};

const OPS = {
	str: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase',
		'StringLike', 'StringNotLike'],
	arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike', 'StringEquals', 'StringNotLike'],
	num: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals',
		'NumericGreaterThan', 'NumericGreaterThanEquals'],
	date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals',
		'DateGreaterThan', 'DateGreaterThanEquals'],
	bool: ['Bool'],
	ip: ['IpAddress', 'NotIpAddress'],
	bin: ['BinaryEquals'],
};

// Action patterns for statements; the request's own action shows up often
// through these, in several spellings.
const ACTIONS = ['iam:PassRole', 'iam:passrole', 'IAM:PASSROLE', 'iam:Pass*', 'iam:P?ssRole', 'iam:*',
	'*', 'iam:Get*', 'iam:*Role', 'iam:PassRol?', 's3:*', 's3:Get*', 's3:GetObject', 'ec2:RunInstances',
	'sts:AssumeRole', 'lambda:*', 'lambda:InvokeFunction', 'iam:GetRole', 'iam:ListRoles', 'Iam:Get?ole'];

const RESOURCES = ['*', `arn:aws:iam::${A}:role/Admin`, 'arn:aws:iam::*:role/*', `arn:aws:iam::${A}:role/*Admin`,
	`arn:aws:iam::${A}:role/ops/*`, `arn:aws:iam::${A}:role/admin`, `arn:aws:iam::${A}:role/Ad?in`,
	`arn:aws:iam::${A}:*`, `arn:aws:iam::${OTHER}:role/*`, `arn:aws:iam::${A}:role/*`,
	`arn:aws:iam::${A}:role/Platform/*`, `arn:aws:iam::${A}:role/service-role/*`,
	'arn:aws:s3:::bucket-a/*', 'arn:aws:s3:::*', 'arn:aws:s3:::bucket-a/reports/*',
	`arn:aws:lambda:*:${A}:function:*`, `arn:aws:lambda:us-east-1:${A}:function:deploy`,
	`arn:aws:iam::${A}:role*`, 'arn:aws:iam::*:*', `arn:aws:iam::${A}:role/ops*`, 'arn:aws:s3:::bucket-?/*',
	'arn:aws:*:*:*:*', `arn:aws:iam::${A}:role/Adm*`, `arn:aws:iam::${A}:role/*/Admin`];

// Resources with policy variables (substituted only with Version 2012-10-17).
const VAR_RESOURCES = [`arn:aws:iam::${A}:role/\${aws:username}`,
	`arn:aws:iam::${A}:role/\${aws:username}*`,
	`arn:aws:iam::${A}:role/\${aws:username, 'Admin'}`,
	`arn:aws:iam::${A}:role/\${aws:PrincipalTag/team, 'data'}`,
	`arn:aws:iam::${A}:role/\${aws:PrincipalTag/team}/*`,
	`arn:aws:iam::${A}:role/Ad\${?}in`, `arn:aws:iam::${A}:role/\${*}`, `arn:aws:iam::${A}:role/\${$}*`,
	// AWS does not substitute a variable before the fifth colon; the engine
	// does (an open engine bug, see known-differences.json).
	`arn:aws:iam::\${aws:PrincipalAccount}:role/*`,
	'arn:aws:s3:::bucket-a/${aws:username}/*', `arn:aws:iam::${A}:role/\${aws:userid}`];

// ---------------------------------------------------------------- policies

function one(r, arr) {
	const v = r.some(arr, 1, 3);
	return v.length === 1 && r.chance(0.5) ? v[0] : v;
}

function condValues(r, key, info) {
	let vals = r.some(info.vals, 1, 3);
	// Values with policy variables, for the operators that take them.
	if (info.t === 'str' && r.chance(0.15))
		vals = [r.pick(['${aws:username}', '${aws:PrincipalTag/team}', 'plat${*}', '${aws:username, \'alice\'}'])];
	if (info.t === 'arn' && r.chance(0.15))
		vals = [`arn:aws:iam::\${aws:PrincipalAccount}:role/*`];
	return vals.length === 1 && r.chance(0.5) ? vals[0] : vals;
}

function condition(r, isPass) {
	const block = {};
	const n = 1 + r.int(3);
	const keys = Object.keys(KEYS).filter((k) => isPass || !KEYS[k].pass);
	for (let i = 0; i < n; i++) {
		const key = r.pick(keys);
		const info = KEYS[key];
		let op;
		let vals;
		if (r.chance(0.1)) {
			op = 'Null';
			vals = r.pick(['true', 'false', true]);
		} else {
			op = r.pick(OPS[info.t]);
			vals = condValues(r, key, info);
			if (r.chance(0.2))
				op += 'IfExists';
			if (info.multi || r.chance(0.1))
				op = r.pick(['ForAnyValue:', 'ForAllValues:']) + op;
			// (Always a set operator on a multivalued key: AWS says they
			// "require a condition set operator" and defines nothing else.)
		}
		// Condition keys are case-insensitive.
		const k = r.chance(0.1) ? key.toLowerCase() : key;
		block[op] = block[op] || {};
		block[op][k] = vals;
	}
	return block;
}

function statement(r, opts) {
	const st = {};
	if (r.chance(0.3))
		st.Sid = `S${r.int(1000)}`;
	st.Effect = r.chance(opts.denyP) ? 'Deny' : 'Allow';
	const acts = r.some(ACTIONS, 1, 3);
	if (opts.focus && r.chance(0.6))
		acts.push(opts.focus);
	const av = acts.length === 1 ? acts[0] : [...new Set(acts)];
	if (r.chance(0.12))
		st.NotAction = av;
	else
		st.Action = av;
	if (opts.principal)
		st.Principal = opts.principals ? r.pick(opts.principals) : '*';
	let res = r.some(RESOURCES, 1, 2);
	if (opts.vars && r.chance(0.25))
		res = [r.pick(VAR_RESOURCES)];
	if (opts.focusRes && r.chance(0.3))
		res.push(opts.focusRes);
	const rv = res.length === 1 ? res[0] : [...new Set(res)];
	if (opts.noResource)
		; // role trust policies have no Resource element
	else if (r.chance(0.1))
		st.NotResource = rv;
	else
		st.Resource = rv;
	if (r.chance(opts.condP))
		st.Condition = condition(r, opts.isPass);
	return st;
}

function policyDoc(r, nst, opts) {
	const d = {};
	const v = r.f();
	d.Version = v < 0.85 ? '2012-10-17' : v < 0.95 ? '2008-10-17' : undefined;
	if (d.Version === undefined)
		delete d.Version;
	d.Statement = [];
	for (let i = 0; i < nst; i++)
		d.Statement.push(statement(r, { ...opts, vars: d.Version === '2012-10-17' }));
	// A lone statement may be given as an object.
	if (nst === 1 && r.chance(0.2))
		d.Statement = d.Statement[0];
	// Sids must be unique inside one policy.
	const seen = new Set();
	for (const st of [].concat(d.Statement)) {
		if (st.Sid && seen.has(st.Sid))
			delete st.Sid;
		if (st.Sid)
			seen.add(st.Sid);
	}
	return d;
}

// Custom RCPs: AWS accepts only Deny statements with Principal "*", a
// service-prefixed Action (no "*", no NotAction) and Version 2012-10-17.
function rcpDoc(r, base) {
	const d = { Version: '2012-10-17', Statement: [] };
	const n = 1 + r.int(2);
	for (let i = 0; i < n; i++) {
		const st = statement(r, { ...base, denyP: 1, condP: 0.6, principal: true, vars: true });
		delete st.NotAction;
		st.Action = [].concat(st.Action || r.pick(ACTIONS)).filter((a) => a !== '*');
		if (st.Action.length === 0)
			st.Action = r.pick(['s3:*', 'sts:*', 'iam:PassRole', 's3:GetObject']);
		d.Statement.push(st);
	}
	return d;
}

const FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const RCP_FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };

// ---------------------------------------------------------------- cases

function genCase(r, idx, seed) {
	const p = r.pick(PRINCIPALS);
	const isPass = r.chance(0.75);
	let action;
	let resource;
	const isAssume = !isPass && r.chance(0.3);
	if (isPass) {
		action = r.pick(['iam:PassRole', 'iam:PassRole', 'iam:passrole', 'IAM:PassRole']);
		resource = r.pick(ROLES).arn;
	} else if (isAssume) {
		action = 'sts:AssumeRole';
		resource = r.pick(ROLES).arn;
	} else {
		const o = r.pick(OTHER_REQUESTS);
		action = o.action;
		resource = o.resource(r) || r.pick(ROLES).arn;
	}
	const role = ROLES.find((x) => x.arn === resource);

	// Context: every key is known (given) or absent.
	const ctx = {};
	const give = (k, v) => { ctx[k] = v; };
	give('aws:PrincipalArn', p.role || p.arn);
	give('aws:PrincipalAccount', A);
	give('aws:userid', p.id);
	if (p.kind === 'user')
		give('aws:username', p.name);
	if (isPass) {
		give('iam:PassedToService', r.pick(SERVICES));
		if (r.chance(0.3))
			give('iam:AssociatedResourceArn', r.pick(REQ_VALS['iam:AssociatedResourceArn']));
		if (role && role.tags.env !== undefined && r.chance(0.8))
			give('iam:ResourceTag/env', role.tags.env);
	}
	if (role && role.tags.env !== undefined && r.chance(0.5))
		give('aws:ResourceTag/env', role.tags.env);
	for (const k of ['aws:PrincipalOrgID', 'aws:PrincipalTag/team', 'aws:PrincipalTag/bin', 'aws:RequestedRegion',
		'aws:SourceIp', 'aws:MultiFactorAuthPresent', 'aws:SecureTransport', 'aws:ViaAWSService',
		'aws:MultiFactorAuthAge', 'aws:CurrentTime', 'aws:EpochTime'])
		if (r.chance(0.7))
			give(k, r.pick(REQ_VALS[k]));
	for (const k of ['aws:TagKeys', 'aws:CalledVia'])
		if (r.chance(0.6))
			give(k, r.chance(0.15) ? [] : r.some(REQ_VALS[k], 1, 3));
	// Our format takes numbers and booleans too; iam-simulate gets strings.
	if (typeof ctx['aws:MultiFactorAuthAge'] === 'string' && r.chance(0.3))
		ctx['aws:MultiFactorAuthAge'] = Number(ctx['aws:MultiFactorAuthAge']);
	if (typeof ctx['aws:SecureTransport'] === 'string' && r.chance(0.3))
		ctx['aws:SecureTransport'] = ctx['aws:SecureTransport'] === 'true';

	// Context key names are case-insensitive: respell some (not tag keys,
	// whose tag-name part is left as written).
	for (const k of Object.keys(ctx)) {
		if (!k.includes('/') && r.chance(0.08)) {
			const v = ctx[k];
			delete ctx[k];
			ctx[r.chance(0.5) ? k.toLowerCase() : k.toUpperCase()] = v;
		}
	}

	const focus = r.chance(0.5) ? action : undefined;
	const base = { isPass, focus, focusRes: r.chance(0.4) ? resource : undefined };
	const policies = {};
	const nid = 1 + r.int(4);
	policies.identity = [];
	for (let i = 0; i < nid; i++)
		policies.identity.push({ name: `id-${i}`, source: 'generated',
			document: policyDoc(r, 1 + r.int(4), { ...base, denyP: 0.2, condP: 0.4 }) });
	if (r.chance(0.3))
		policies.boundary = { name: 'boundary', document: policyDoc(r, 1 + r.int(3), { ...base, denyP: 0.15, condP: 0.3 }) };
	if (r.chance(0.5)) {
		const nlev = 1 + r.int(4);
		policies.scp = [];
		for (let l = 0; l < nlev; l++) {
			const level = [];
			if (r.chance(0.85))
				level.push({ name: `FullAWSAccess-${l}`, document: FULL_ACCESS });
			if (level.length === 0 || r.chance(0.5))
				level.push({ name: `scp-${l}`, document: policyDoc(r, 1 + r.int(3), { ...base, denyP: 0.5, condP: 0.5 }) });
			policies.scp.push(level);
		}
		if (r.chance(0.3)) {
			policies.rcp = [];
			for (let l = 0; l < nlev; l++) {
				const level = [{ name: `RCPFullAWSAccess-${l}`, document: RCP_FULL_ACCESS }];
				if (r.chance(0.5))
					level.push({ name: `rcp-${l}`, document: rcpDoc(r, base) });
				policies.rcp.push(level);
			}
		}
	}
	// Principal forms for the trust policy: everyone, the account, this
	// principal (for a session: its role), another account, a service.
	// (Endpoint policies keep Principal "*": iam-simulate rejects any other,
	// so named principals in endpoint policies are not compared.)
	const principals = ['*', { AWS: '*' }, { AWS: A }, { AWS: `arn:aws:iam::${A}:root` },
		{ AWS: p.role || p.arn }, { AWS: [`arn:aws:iam::${OTHER}:root`, p.role || p.arn] },
		{ AWS: `arn:aws:iam::${OTHER}:root` }, { Service: 'ec2.amazonaws.com' }];
	if (isAssume) {
		// The role's trust policy (same account).
		const trust = policyDoc(r, 1 + r.int(2),
			{ ...base, denyP: 0.15, condP: 0.3, principal: true, principals, focus: 'sts:AssumeRole',
				noResource: true });
		if (r.chance(0.2)) {
			// Deny everyone but one principal, the NotPrincipal way.
			if (!Array.isArray(trust.Statement))
				trust.Statement = [trust.Statement];
			trust.Statement.push({ Effect: 'Deny', NotPrincipal: { AWS: r.pick([p.role || p.arn,
				`arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${A}:root`]) }, Action: 'sts:AssumeRole' });
		}
		policies.resource = [{ name: 'trust', document: trust }];
	}
	if (!isPass && !isAssume && !action.startsWith('iam:') && r.chance(0.35)) {
		// A bucket or function policy, naming principals in every form
		// (a session by its session ARN too).
		const rp = principals.concat(p.kind === 'session' ? [{ AWS: p.arn }] : []);
		policies.resource = [{ name: 'resource-policy', document: policyDoc(r, 1 + r.int(2),
			{ ...base, denyP: 0.2, condP: 0.3, principal: true, principals: rp, focus: action, focusRes: resource }) }];
	}
	if ((p.kind === 'session' || p.kind === 'federated') && r.chance(0.5))
		policies.session = [{ name: 'session', document: policyDoc(r, 1 + r.int(3), { ...base, denyP: 0.1, condP: 0.3 }) }];
	if (r.chance(0.2)) {
		ctx['aws:SourceVpce'] = r.pick(REQ_VALS['aws:SourceVpce']);
		policies.endpoint = { name: ctx['aws:SourceVpce'], document: policyDoc(r, 1 + r.int(2),
			{ ...base, denyP: 0.2, condP: 0.3, principal: true }) };
	}
	const account = {};
	if (r.chance(0.08))
		account.is_management_account = true;
	if (p.kind === 'slr')
		account.principal_is_service_linked_role = true;

	const c = {
		name: `diff-${seed}-${idx}`,
		request: { principal: p.arn, action, resource, context: ctx },
		policies,
	};
	if (Object.keys(account).length > 0)
		c.account = account;
	return c;
}

// ---------------------------------------------------------------- main

function args(argv) {
	const o = { seed: 1, count: 100, oracle: true };
	for (let i = 2; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--seed') o.seed = Number(argv[++i]);
		else if (a === '--count') o.count = Number(argv[++i]);
		else if (a === '--cases') o.cases = argv[++i];
		else if (a === '--oracle') o.oracleOut = argv[++i];
		else if (a === '--no-oracle') o.oracle = false;
		else throw new Error(`gen.js: unknown argument ${a}`);
	}
	if (!o.cases || (o.oracle && !o.oracleOut) || !Number.isInteger(o.seed) || !(o.count >= 0))
		throw new Error('usage: gen.js --seed S --count N --cases FILE (--oracle FILE | --no-oracle)');
	return o;
}

async function main() {
	const o = args(process.argv);
	const r = rng(o.seed);
	const oracle = o.oracle ? require('./oracle.js') : null;
	const cases = [];
	const verdicts = [];
	for (let i = 0; i < o.count; i++) {
		const c = genCase(r, i, o.seed);
		cases.push(JSON.stringify(c));
		if (oracle) {
			const v = await oracle.runOracle(oracle.toSimulation(c));
			verdicts.push(JSON.stringify({ name: c.name, ...v }));
		}
	}
	fs.writeFileSync(o.cases, cases.join('\n') + '\n');
	if (oracle)
		fs.writeFileSync(o.oracleOut, verdicts.join('\n') + '\n');
}

module.exports = { rng, genCase, REQ_VALS, KEYS };

if (require.main === module) {
	main().catch((e) => {
		console.error(e.stack || String(e));
		process.exit(1);
	});
}
