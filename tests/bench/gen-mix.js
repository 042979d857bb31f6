#!/usr/bin/env node
'use strict';
// Write the realistic benchmark mix as JSON Lines in the CONTRACT-EVAL.md
// request format: one principal (IAM user alice) with 10 identity policies
// of 10 statements each (several services, conditions, explicit denies), a
// permissions boundary, three SCP levels (root, OU, account) with guardrail
// denies, and iam:PassRole requests across several roles and services plus
// some other actions. Every context key is known or absent, so the same
// file can be timed with iam-simulate. Usage: gen-mix.js [COUNT] [SEED]

const { rng } = require('../diff/gen.js');

const count = Number(process.argv[2] || 512);
const r = rng(Number(process.argv[3] || 20261123));
const A = '111122223333';
const PRINCIPAL = `arn:aws:iam::${A}:user/eng/alice`;
const ROLES = ['Admin', 'ops/DeployAdmin', 'service-role/LambdaExec', 'Platform/Builder', 'data/EtlRunner',
	'ops/Backup', 'ReadOnly', 'service-role/EcsTask'].map((p) => `arn:aws:iam::${A}:role/${p}`);
const SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'cloudformation.amazonaws.com',
	'events.amazonaws.com', 'ecs-tasks.amazonaws.com', 'glue.amazonaws.com'];
const SVC = ['ec2', 's3', 'lambda', 'dynamodb', 'sqs', 'logs', 'kms', 'cloudwatch', 'sns', 'glue'];
const VERBS = ['Get*', 'List*', 'Describe*', 'Put*', 'Create*', 'Delete*', 'Update*', 'Start*'];

function conditionFor(i) {
	switch (i % 6) {
	case 0: return { StringEquals: { 'iam:PassedToService': r.some(SERVICES, 1, 2) } };
	case 1: return { StringLike: { 'iam:PassedToService': '*.amazonaws.com' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
	case 2: return { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } };
	case 3: return { StringEquals: { 'aws:PrincipalTag/team': ['platform', 'data'] } };
	case 4: return { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } };
	default: return { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } };
	}
}

function identityPolicy(p) {
	const st = [];
	for (let i = 0; i < 10; i++) {
		const s = { Sid: `P${p}S${i}` };
		const kind = (p * 10 + i) % 10;
		if (kind === 0) {
			Object.assign(s, { Effect: 'Allow', Action: 'iam:PassRole',
				Resource: `arn:aws:iam::${A}:role/${r.pick(['ops/*', 'service-role/*', 'Platform/*', 'data/*'])}`,
				Condition: conditionFor(p + i) });
		} else if (kind === 1 && p % 3 === 0) {
			Object.assign(s, { Effect: 'Deny', Action: ['iam:PassRole'], Resource: `arn:aws:iam::${A}:role/Admin`,
				Condition: { StringNotEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } } });
		} else if (kind === 2) {
			Object.assign(s, { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' });
		} else {
			const svc = r.pick(SVC);
			Object.assign(s, { Effect: r.chance(0.1) ? 'Deny' : 'Allow',
				Action: r.some(VERBS, 1, 3).map((v) => `${svc}:${v}`),
				Resource: r.chance(0.5) ? '*' : `arn:aws:${svc}:*:${A}:*`,
				...(r.chance(0.4) ? { Condition: conditionFor(i) } : {}) });
		}
		st.push(s);
	}
	return { name: `arn:aws:iam::${A}:policy/team-${p}`, source: p < 7 ? 'attached to user alice' : 'group eng',
		document: { Version: '2012-10-17', Statement: st } };
}

const policies = {
	identity: Array.from({ length: 10 }, (_, p) => identityPolicy(p)),
	boundary: { name: `arn:aws:iam::${A}:policy/DevBoundary`, document: { Version: '2012-10-17', Statement: [
		{ Sid: 'Services', Effect: 'Allow', Action: SVC.map((s) => `${s}:*`), Resource: '*' },
		{ Sid: 'PassNonAdmin', Effect: 'Allow', Action: ['iam:PassRole', 'iam:Get*', 'iam:List*'], Resource: '*' },
		{ Sid: 'NoAdminPass', Effect: 'Deny', Action: 'iam:PassRole', Resource: `arn:aws:iam::${A}:role/Admin`,
			Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'platform' } } }] } },
	scp: [
		[{ name: 'FullAWSAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
			{ name: 'Guardrails', document: { Version: '2012-10-17', Statement: [
				{ Sid: 'Regions', Effect: 'Deny', NotAction: ['iam:*', 'sts:*', 'organizations:*'], Resource: '*',
					Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } },
				{ Sid: 'NoPassOutsideOrg', Effect: 'Deny', Action: 'iam:PassRole', Resource: '*',
					Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }] } }],
		[{ name: 'OuAllowList', document: { Version: '2012-10-17', Statement: [
			{ Effect: 'Allow', Action: SVC.map((s) => `${s}:*`).concat(['iam:*', 'sts:*']), Resource: '*' }] } }],
		[{ name: 'FullAWSAccess', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
			{ name: 'ProtectPlatform', document: { Version: '2012-10-17', Statement: [
				{ Effect: 'Deny', Action: 'iam:PassRole', Resource: `arn:aws:iam::${A}:role/Platform/*`,
					Condition: { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/Platform*` } } }] } }],
	],
};

const out = [];
for (let i = 0; i < count; i++) {
	const ctx = {
		'aws:PrincipalArn': PRINCIPAL, 'aws:PrincipalAccount': A, 'aws:username': 'alice',
		'aws:userid': 'AIDAALICE0000000001', 'aws:PrincipalOrgID': r.chance(0.9) ? 'o-abc123' : 'o-zzz999',
		'aws:RequestedRegion': r.pick(['us-east-1', 'eu-west-1', 'ap-south-1']),
		'aws:PrincipalTag/team': r.pick(['platform', 'data', 'web']),
		'aws:SourceIp': r.pick(['10.1.2.3', '192.168.4.5', '203.0.113.9']),
		'aws:MultiFactorAuthPresent': r.pick(['true', 'false']),
	};
	if (ctx['aws:MultiFactorAuthPresent'] === 'true')
		ctx['aws:MultiFactorAuthAge'] = r.pick(['60', '1800', '7200']);
	if (r.chance(0.3))
		ctx['aws:TagKeys'] = r.some(['team', 'env', 'owner'], 1, 2);
	let action, resource;
	if (i % 8 < 6) {
		action = 'iam:PassRole';
		resource = r.pick(ROLES);
		ctx['iam:PassedToService'] = r.pick(SERVICES);
	} else if (i % 8 === 6) {
		action = 'iam:GetRole';
		resource = r.pick(ROLES);
	} else {
		action = r.pick(['s3:GetObject', 'lambda:InvokeFunction']);
		resource = action === 's3:GetObject' ? 'arn:aws:s3:::data-bucket/k' : `arn:aws:lambda:us-east-1:${A}:function:etl`;
	}
	out.push(JSON.stringify({ name: `mix-${i}`, request: { principal: PRINCIPAL, action, resource, context: ctx }, policies }));
}
process.stdout.write(out.join('\n') + '\n');
