/*
 * Generated snapshots (see snapgen.h). Every choice comes from one
 * xorshift64* stream seeded by the parameters, in a fixed order, so a
 * snapshot is a pure function of its parameters.
 */
#include "config.h"

#include "snapgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapbuild.h"

#define SG_DOC 4096

struct sg {
	unsigned long long x;
	const struct sg_params *p;
};

static unsigned
sg_rand(struct sg *g, unsigned n)
{
	g->x ^= g->x >> 12;
	g->x ^= g->x << 25;
	g->x ^= g->x >> 27;
	return (unsigned)((g->x * 2685821657736338717ULL) >> 33) % n;
}

static void
sg_account_id(int k, char id[13])
{
	snprintf(id, 13, "2000000000%02u", (unsigned)k % 100u);
}

/* Roles whose index is 3 mod 10 live under /team/: trust policies must
 * name them with the path. */
static const char *
sg_role_path(int i)
{
	return i % 10 == 3 ? "/team/" : "/";
}

static void
sg_role_arn(char *buf, size_t cap, const char *acct, int i)
{
	snprintf(buf, cap, "arn:aws:iam::%s:role%sr%04d", acct, sg_role_path(i), i);
}

static void
sg_user_arn(char *buf, size_t cap, const char *acct, int i)
{
	snprintf(buf, cap, "arn:aws:iam::%s:user/u%04d", acct, i);
}

static const char *const sg_acting[] = {
	"ec2.amazonaws.com", "lambda.amazonaws.com", "cloudformation.amazonaws.com",
	"ssm.amazonaws.com",
};
static const char *const sg_idle[] = { "bedrock.amazonaws.com", "events.amazonaws.com" };

/* A trust policy of one of the shapes of snapgen.h; NULL for none. */
static const char *
sg_trust(struct sg *g, char *doc, const char *acct, int self, int k)
{
	const struct sg_params *p = g->p;
	char a1[256], a2[256], other[13];
	unsigned shape = sg_rand(g, 17);
	int r1 = (int)sg_rand(g, (unsigned)p->roles), r2 = (int)sg_rand(g, (unsigned)p->roles);
	int u1 = p->users > 0 ? (int)sg_rand(g, (unsigned)p->users) : 0;

	sg_role_arn(a1, sizeof(a1), acct, r1);
	if (p->users > 0)
		sg_user_arn(a2, sizeof(a2), acct, u1);
	else
		sg_role_arn(a2, sizeof(a2), acct, r2);
	sg_account_id(p->accounts > 1 ? (k + 1) % p->accounts : 99, other);
	switch (shape) {
	case 0:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"arn:aws:iam::%s:root\"},\"Action\":\"sts:AssumeRole\"}]}",
		    acct);
		break;
	case 1:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}", acct);
		break;
	case 2: {
		char a3[256];

		sg_role_arn(a3, sizeof(a3), acct, r2);
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":[\"%s\",\"%s\"]},\"Action\":\"sts:AssumeRole\"}]}", a1, a3);
		break;
	}
	case 3:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}", a2);
		break;
	case 4:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":[\"%s\",\"%s\"],\"Service\":\"%s\"},\"Action\":"
		    "\"sts:AssumeRole\"}]}", a1, a2, sg_acting[sg_rand(g, 4)]);
		break;
	case 5:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\",\"Condition\":{\"ArnLike\":"
		    "{\"aws:PrincipalArn\":\"arn:aws:iam::%s:role/r00*\"}}}]}", acct);
		break;
	case 6:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\"}]}");
		break;
	case 7:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"Service\":[\"%s\",\"%s\"]},\"Action\":\"sts:AssumeRole\"}]}",
		    sg_acting[sg_rand(g, 4)], sg_acting[sg_rand(g, 4)]);
		break;
	case 8:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"Service\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}",
		    sg_idle[sg_rand(g, 2)]);
		break;
	case 9:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"arn:aws:iam::%s:root\"},\"Action\":\"sts:AssumeRole\"}]}",
		    other);
		break;
	case 10:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"NotPrincipal\":{\"AWS\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}", a1);
		break;
	case 11:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"arn:aws:iam::%s:role/ghost-%d\"},\"Action\":"
		    "\"sts:AssumeRole\"}]}", acct, self);
		break;
	case 12:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":[\"%s\",\"%s\"]},\"Action\":\"sts:AssumeRole\",\"Condition\":"
		    "{\"StringEquals\":{\"aws:PrincipalTag/team\":\"t1\"}}}]}", a1, a2);
		break;
	case 13:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"%s\"},\"Action\":\"sts:TagSession\"},{\"Effect\":\"Allow\","
		    "\"Principal\":{\"Federated\":\"cognito-identity.amazonaws.com\"},\"Action\":"
		    "\"sts:AssumeRoleWithWebIdentity\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
		    "\"*\"},\"Action\":\"sts:AssumeRoleWithSAML\"}]}", a1);
		break;
	case 14:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
		    "\"Principal\":{\"AWS\":\"%s\"},\"Action\":\"sts:AssumeRole\"},{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"arn:aws:iam::%s:root\",\"Service\":\"%s\"},\"Action\":"
		    "\"sts:*\"}]}", a2, acct, sg_acting[sg_rand(g, 4)]);
		break;
	case 15:
		snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":{\"AWS\":\"%s\"},\"NotAction\":\"sts:TagSession\"}]}", a1);
		break;
	default:
		return NULL;
	}
	return doc;
}

/* A document whose literal format names the account twice. */
#define sg_doc(doc, fmt, acct) (snprintf((doc), SG_DOC, fmt, (acct), (acct)), (const char *)(doc))

static void
sg_account(struct sg *g, struct snapshot *s, int k)
{
	const struct sg_params *p = g->p;
	char acct[13], doc[SG_DOC], name[64];
	struct snap_account *a;
	static const int tame[] = { 1, 5, 9, 10 };
	const char *pool[11], *admin, *bnd;

	sg_account_id(k, acct);
	a = p->org ? sb_account(s, acct, k % 2 == 0 ? "ou-a" : "ou-b") : sb_account(s, acct, NULL);
	admin = sb_policy(a, "Admin", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", true);
	pool[0] = sb_policy(a, "PassAll", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}", false);
	pool[1] = sb_policy(a, "PassPrefix", sg_doc(doc, "{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"arn:aws:iam::%s:role/"
	    "r00*\",\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":[\"ec2.amazonaws.com\","
	    "\"lambda.amazonaws.com\"]}}},{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\","
	    "\"Resource\":\"arn:aws:iam::%s:role/team/*\"}]}", acct), false);
	pool[2] = sb_policy(a, "AssumeAll", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}", false);
	pool[3] = sb_policy(a, "AssumeTeam", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
	    "{\"aws:ResourceTag/team\":\"${aws:PrincipalTag/team}\"}}}]}", false);
	pool[4] = sb_policy(a, "PassMfa", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":[\"iam:PassRole\",\"sts:AssumeRole\"],\"Resource\":\"*\","
	    "\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}", false);
	pool[5] = sb_policy(a, "ReadOnly", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":[\"s3:Get*\",\"ec2:Describe*\",\"iam:Get*\"],\"Resource\":\"*\"}]}",
	    false);
	pool[6] = sb_policy(a, "PolicyVersions", "{\"Version\":\"2012-10-17\",\"Statement\":[{"
	    "\"Effect\":\"Allow\",\"Action\":\"iam:CreatePolicyVersion\",\"Resource\":\"*\"}]}", false);
	pool[7] = sb_policy(a, "AssumeExternal", "{\"Version\":\"2012-10-17\",\"Statement\":[{"
	    "\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\",\"Condition\":{"
	    "\"StringEquals\":{\"sts:ExternalId\":\"x\"}}},{\"Effect\":\"Deny\",\"Action\":"
	    "\"sts:AssumeRole\",\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"aws:userid\":"
	    "\"AIDAu00*\"}}}]}", false);
	pool[8] = sb_policy(a, "PassTagged", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
	    "{\"iam:ResourceTag/team\":\"t0\"}}}]}", false);
	/* Grants on named roles only: they do not make their holder
	 * privileged (privesc.def probes made-up role names). */
	pool[9] = sb_policy(a, "AssumeR0", sg_doc(doc, "{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":[\"arn:aws:iam::%s:"
	    "role/r0*\",\"arn:aws:iam::%s:role/team/*\"]}]}", acct), false);
	pool[10] = sb_policy(a, "PassR0", sg_doc(doc, "{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":[\"arn:aws:iam::%s:"
	    "role/r0*\",\"arn:aws:iam::%s:role/team/*\"]}]}", acct), false);
	bnd = sb_policy(a, "Boundary", sg_doc(doc, "{\"Version\":\"2012-10-17\",\"Statement\":[{"
	    "\"Effect\":\"Allow\",\"Action\":[\"iam:*\",\"sts:*\",\"s3:*\",\"ec2:*\"],\"Resource\":"
	    "\"*\"},{\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":\"arn:aws:iam::%s:"
	    "role/r001*\"},{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Resource\":"
	    "\"arn:aws:iam::%s:role/r002*\"}]}", acct), false);
	for (int i = 0; i < 3; i++) {
		struct snap_group *gr;

		snprintf(name, sizeof(name), "g%d", i);
		gr = sb_group(a, name);
		sb_group_attach(gr, pool[i == 0 ? 5 : i == 1 ? 2 : 0]);
		if (i == 2)
			sb_group_inline(gr, "Quarantine", "{\"Version\":\"2012-10-17\",\"Statement\":[{"
			    "\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\","
			    "\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"t2\"}}}]}");
	}
	for (int i = 0; i < p->users; i++) {
		struct snap_user *u;
		unsigned n = sg_rand(g, 4);

		snprintf(name, sizeof(name), "u%04d", i);
		u = sb_user(a, name);
		snprintf(name, sizeof(name), "t%u", sg_rand(g, 3));
		sb_user_tag(u, "team", name);
		for (unsigned j = 0; j < n; j++)
			sb_user_attach(u, pool[sg_rand(g, 11)]);
		if (sg_rand(g, 3) == 0) {
			snprintf(name, sizeof(name), "g%u", sg_rand(g, 3));
			sb_user_group(u, name);
		}
		if (sg_rand(g, 5) == 0)
			sb_user_boundary(u, bnd);
		if (sg_rand(g, 8) == 0)
			sb_user_inline(u, "Own", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
			    "\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"arn:aws:iam::*:role/"
			    "${aws:username}-*\"},{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\","
			    "\"Resource\":\"arn:aws:iam::*:role/r000*\"}]}");
	}
	for (int i = 0; i < p->roles; i++) {
		struct snap_role *r;
		const char *path = sg_role_path(i);
		unsigned n = sg_rand(g, 3);
		bool link = i % 20 >= 11 && i % 20 <= 14;

		if (sg_rand(g, 30) == 0 && !(i % 20 >= 10 && i % 20 <= 14))
			path = "/aws-service-role/ssm.amazonaws.com/";
		const char *trust = sg_trust(g, doc, acct, i, k);

		/* Chains: r..10 trusts only r..11, which trusts only r..12, up
		 * to r..14; r..10 can pass every role. Paths of up to five
		 * hops, none with a shortcut: the links hold no policy. */
		if (i % 20 >= 10 && i % 20 <= 13 && i + 1 < p->roles) {
			char next[256];

			sg_role_arn(next, sizeof(next), acct, i + 1);
			snprintf(doc, SG_DOC, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
			    "\"Allow\",\"Principal\":{\"AWS\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}",
			    next);
			trust = doc;
		}
		snprintf(name, sizeof(name), "r%04d", i);
		r = sb_role(a, name, path, trust);
		if (i % 20 == 10)
			sb_role_attach(r, pool[0]);
		snprintf(name, sizeof(name), "t%u", sg_rand(g, 3));
		sb_role_tag(r, "team", name);
		/* The chain's links hold no policy: no shortcut. */
		if (link)
			n = 0;
		if ((int)sg_rand(g, 100) < p->admin_pct && !link)
			sb_role_attach(r, admin);
		/* Mostly grants that do not make the role privileged, so that
		 * admin_pct rules how many are. */
		for (unsigned j = 0; j < n; j++)
			sb_role_attach(r, sg_rand(g, 8) == 0 ? pool[sg_rand(g, 11)] :
			    pool[tame[sg_rand(g, 4)]]);
		if (sg_rand(g, 6) == 0)
			sb_role_boundary(r, bnd);
	}
	sb_endpoint(a, "eu-west-1", "vpce-ec2", "ec2", "{\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":\"*\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}]}");
	sb_endpoint(a, "eu-west-1", "vpce-cfn", "cloudformation", NULL);
}

struct snapshot *
sg_generate(const struct sg_params *p)
{
	struct sg g = { 0x9e3779b97f4a7c15ULL ^ ((unsigned long long)p->seed << 1), p };
	struct snapshot *s = sb_new();

	if (p->org) {
		sb_org(s, "o-gen", "r-gen", "200000000099");
		sb_ou(s, "ou-a", "A", "r-gen");
		sb_ou(s, "ou-b", "B", "ou-a");
		sb_org_policy(s, SNAP_SCP, "p-quarantine", "Quarantine", "{\"Version\":\"2012-10-17\","
		    "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\","
		    "\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"t9\"}}}]}", "r-gen",
		    (char *)NULL);
		sb_org_policy(s, SNAP_SCP, "p-r0009", "NoR0009", "{\"Version\":\"2012-10-17\","
		    "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Resource\":"
		    "\"arn:aws:iam::*:role/r0009\"}]}", "ou-b", (char *)NULL);
	}
	for (int k = 0; k < p->accounts; k++)
		sg_account(&g, s, k);
	snapshot_sort(s);
	return s;
}
