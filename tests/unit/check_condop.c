/*
 * IAM condition operators (src/policy/condop.c).
 *
 * The table below is the operator-level truth: every row runs through
 * condop_parse + condop_values_new + condop_eval AND through
 * condop_eval_strings, and both must agree with the expected result. While
 * the evaluations run, malloc/calloc/realloc are counted through the linker's
 * --wrap (see condop.mk), so every row also proves that evaluation does not
 * allocate.
 *
 * "Guide" below means the AWS IAM User Guide pages "IAM JSON policy
 * elements: Condition operators" (ops) and "Single-valued vs. multivalued
 * context keys" (multi); "tricky N" is case N of docs/iam-evaluation.md.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/condop.h"

#include "checkmain.h"

/* ------------------------------------------------------ allocation count */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

/* volatile: the compiler knows malloc touches no user globals and would
 * otherwise drop the stores around a malloc call. */
static volatile int alloc_counting;
static volatile long alloc_calls;

void *
__wrap_malloc(size_t n)
{
	if (alloc_counting)
		alloc_calls++;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t m)
{
	if (alloc_counting)
		alloc_calls++;
	return __real_calloc(n, m);
}

void *
__wrap_realloc(void *p, size_t n)
{
	if (alloc_counting)
		alloc_calls++;
	return __real_realloc(p, n);
}

/* ------------------------------------------------------------ the table */

#define MAXV 8

struct row {
	int line;
	const char *op;
	const char *vals[MAXV];
	bool present;
	const char *req[MAXV];
	bool want;
};

#define PV(...) { __VA_ARGS__, NULL }
#define PV0 { NULL }
#define REQ(...) true, { __VA_ARGS__, NULL }
#define ABSENT false, { NULL }
#define EMPTY true, { NULL }
#define T(op, pv, rq, want) { __LINE__, op, pv, rq, want }

#define ADMIN "arn:aws:iam::111122223333:role/Admin"
#define BOB "arn:aws:iam::111122223333:user/bob"
#define DEPLOY "arn:aws:iam::111122223333:role/PlatformDeploy"
#define B64 "QmluYXJ5VmFsdWVJbkJhc2U2NA=="

static const struct row rows[] = {
	/* ---- StringEquals family */
	T("StringEquals", PV("ec2.amazonaws.com"), REQ("ec2.amazonaws.com"), true),
	/* ops: "Exact matching, case sensitive" */
	T("StringEquals", PV("ec2.amazonaws.com"), REQ("EC2.amazonaws.com"), false),
	T("StringEquals", PV("ec2.amazonaws.com"), ABSENT, false),
	T("StringEqualsIfExists", PV("ec2.amazonaws.com"), ABSENT, true),
	T("StringEqualsIfExists", PV("ec2.amazonaws.com"), REQ("lambda.amazonaws.com"), false),
	T("StringEqualsIfExists", PV("ec2.amazonaws.com"), REQ("ec2.amazonaws.com"), true),
	T("StringEquals", PV("a", "b", "c"), REQ("b"), true),
	T("StringEquals", PV("a", "b", "c"), REQ("d"), false),
	/* multi: multivalued keys "require a condition set operator"; a plain
	 * operator on several values does not match (iam-simulate, AWS IAM431) */
	T("StringEquals", PV("a"), REQ("a", "b"), false),
	T("StringEquals", PV("a"), REQ("a", "a"), false),
	T("StringEquals", PV("a"), EMPTY, false),
	/* no wildcards in Equals: a star is a star */
	T("StringEquals", PV("*"), REQ("anything"), false),
	T("StringEquals", PV("*"), REQ("*"), true),
	/* ${*} substituted: MATCH_ESC before the literal */
	T("StringEquals", PV("a\x01*b"), REQ("a*b"), true),
	T("StringEquals", PV("a\x01*b"), REQ("aXb"), false),
	/* JSON numbers and booleans arrive as their text and compare as text */
	T("StringEquals", PV("10"), REQ("10"), true),
	T("StringEquals", PV("10"), REQ("10.0"), false),
	T("StringEquals", PV("true"), REQ("true"), true),
	T("StringEquals", PV(""), REQ(""), true),
	T("StringEquals", PV(""), REQ("x"), false),
	/* tricky 10: Deny StringNotEquals lambda; for ec2 the deny applies */
	T("StringNotEquals", PV("lambda.amazonaws.com"), REQ("ec2.amazonaws.com"), true),
	T("StringNotEquals", PV("lambda.amazonaws.com"), REQ("lambda.amazonaws.com"), false),
	/* negated with several values: true only when none matches */
	T("StringNotEquals", PV("audit", "security"), REQ("security"), false),
	T("StringNotEquals", PV("audit", "security"), REQ("dev"), true),
	/* ops: negated operator, key not present -> the condition is true */
	T("StringNotEquals", PV("audit"), ABSENT, true),
	T("StringNotEqualsIfExists", PV("audit"), ABSENT, true),
	T("StringNotEqualsIfExists", PV("audit"), REQ("audit"), false),
	T("StringNotEqualsIfExists", PV("audit"), REQ("dev"), true),
	/* negated is still false on a multivalued request without a set operator */
	T("StringNotEquals", PV("a"), REQ("b", "c"), false),
	T("StringNotEquals", PV("a"), EMPTY, false),
	/* ops table: "preprod", "Preprod", "PreProd" all resolve to true */
	T("StringEqualsIgnoreCase", PV("preprod", "storage"), REQ("PreProd"), true),
	T("StringEqualsIgnoreCase", PV("preprod", "storage"), REQ("STORAGE"), true),
	T("StringEqualsIgnoreCase", PV("preprod"), REQ("prod"), false),
	T("StringEqualsIgnoreCase", PV("preprod"), ABSENT, false),
	T("StringEqualsIgnoreCaseIfExists", PV("preprod"), ABSENT, true),
	T("StringNotEqualsIgnoreCase", PV("admin"), REQ("ADMIN"), false),
	T("StringNotEqualsIgnoreCase", PV("admin"), REQ("user"), true),
	T("StringNotEqualsIgnoreCase", PV("admin"), ABSENT, true),
	T("StringNotEqualsIgnoreCase", PV("admin", "root"), REQ("Root"), false),

	/* ---- StringLike */
	/* tricky 18 */
	T("StringLike", PV("*.amazonaws.com"), REQ("ec2.amazonaws.com"), true),
	T("StringLike", PV("*.amazonaws.com"), REQ("evil.example.com"), false),
	T("StringLike", PV("t?.micro"), REQ("t2.micro"), true),
	T("StringLike", PV("t?.micro"), REQ("t22.micro"), false),
	/* ops: StringLike is case-sensitive */
	T("StringLike", PV("T*"), REQ("t1.micro"), false),
	T("StringLike", PV("t1.*", "t2.*", "m3.*"), REQ("m3.large"), true),
	T("StringLike", PV("t1.*", "t2.*", "m3.*"), REQ("m2.micro"), false),
	T("StringLike", PV("t1.*"), ABSENT, false),
	/* ops IfExists table: no ec2:InstanceType -> Match */
	T("StringLikeIfExists", PV("t1.*", "t2.*", "m3.*"), ABSENT, true),
	T("StringLikeIfExists", PV("t1.*", "t2.*", "m3.*"), REQ("m2.micro"), false),
	/* ops s3:prefix example: "" is an ordinary value for a plain operator */
	T("StringLike", PV("", "home/", "home/bob/"), REQ(""), true),
	T("StringLike", PV("", "home/", "home/bob/"), REQ("home/alice/"), false),
	T("StringLike", PV("a\x01*"), REQ("ab"), false),
	T("StringLike", PV("a\x01*"), REQ("a*"), true),
	/* ops: StringLike spans colons; ArnLike below does not */
	T("StringLike", PV("arn:aws:someservice:*:111122223333:finance/*"),
	    REQ("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), true),
	/* tricky 15: SCP deny unless PrincipalArn is a Platform* role */
	T("StringNotLike", PV("arn:aws:iam::*:role/Platform*"), REQ(BOB), true),
	T("StringNotLike", PV("arn:aws:iam::*:role/Platform*"), REQ(DEPLOY), false),
	T("StringNotLike", PV("arn:aws:iam::*:role/Platform*"), ABSENT, true),
	T("StringNotLike", PV("a*", "b*"), REQ("bx"), false),
	T("StringNotLike", PV("a*", "b*"), REQ("cx"), true),
	T("StringNotLikeIfExists", PV("a*"), ABSENT, true),
	T("StringNotLikeIfExists", PV("a*"), REQ("ab"), false),

	/* ---- Numeric */
	T("NumericEquals", PV("10"), REQ("10"), true),
	T("NumericEquals", PV("10"), REQ("10.0"), true),
	T("NumericEquals", PV("10"), REQ("010"), true),
	T("NumericEquals", PV("10"), REQ("10.5"), false),
	T("NumericEquals", PV("10.5"), REQ("10.50"), true),
	T("NumericEquals", PV("-3"), REQ("-3"), true),
	T("NumericEquals", PV("-3"), REQ("3"), false),
	T("NumericEquals", PV("0"), REQ("-0"), true),
	T("NumericEquals", PV("+7"), REQ("7"), true),
	/* a request value that is not a number never matches */
	T("NumericEquals", PV("10"), REQ("abc"), false),
	T("NumericEquals", PV("10"), REQ("1e1"), false),
	T("NumericEquals", PV("10"), REQ(" 10"), false),
	T("NumericEquals", PV("16"), REQ("0x10"), false),
	T("NumericEquals", PV("10"), REQ(""), false),
	T("NumericEquals", PV("10"), ABSENT, false),
	T("NumericEqualsIfExists", PV("10"), ABSENT, true),
	T("NumericNotEquals", PV("10"), REQ("11"), true),
	T("NumericNotEquals", PV("10"), REQ("10.00"), false),
	T("NumericNotEquals", PV("10"), ABSENT, true),
	/* not a number is not "not equal": a type mismatch fails negated too */
	T("NumericNotEquals", PV("10"), REQ("abc"), false),
	T("NumericNotEquals", PV("1", "2"), REQ("2"), false),
	T("NumericNotEquals", PV("1", "2"), REQ("3"), true),
	T("NumericLessThan", PV("10"), REQ("9.99"), true),
	T("NumericLessThan", PV("10"), REQ("10"), false),
	T("NumericLessThan", PV("10"), REQ("-100"), true),
	T("NumericLessThan", PV("-1.5"), REQ("-1.25"), false),
	/* ops example: s3:max-keys up to 10 */
	T("NumericLessThanEquals", PV("10"), REQ("10"), true),
	T("NumericLessThanEquals", PV("10"), REQ("10.0001"), false),
	T("NumericGreaterThan", PV("10"), REQ("10.1"), true),
	T("NumericGreaterThan", PV("10"), REQ("10"), false),
	T("NumericGreaterThan", PV("10"), REQ("9"), false),
	T("NumericGreaterThanEquals", PV("-3"), REQ("-3"), true),
	T("NumericGreaterThanEquals", PV("-3"), REQ("-3.5"), false),
	/* exact decimals, beyond double precision */
	T("NumericGreaterThan", PV("123456789012345678901234567890"),
	    REQ("123456789012345678901234567891"), true),
	T("NumericEquals", PV("0.1"), REQ("0.10000000000000000001"), false),
	T("NumericLessThan", PV("1", "100"), REQ("50"), true),
	T("ForAnyValue:NumericGreaterThan", PV("5"), REQ("1", "7"), true),
	T("ForAllValues:NumericLessThan", PV("5"), REQ("1", "7"), false),
	T("ForAllValues:NumericEquals", PV("1", "2"), REQ("1", "abc"), false),

	/* ---- Date */
	/* ops example: credentials issued after 2020-01-01T00:00:01Z */
	T("DateGreaterThan", PV("2020-01-01T00:00:01Z"), REQ("2020-06-01T00:00:00Z"), true),
	T("DateGreaterThan", PV("2020-01-01T00:00:01Z"), REQ("2019-12-31T23:59:59Z"), false),
	T("DateGreaterThan", PV("2020-01-01T00:00:01Z"), ABSENT, false),
	/* ops: ISO 8601 or epoch (UNIX) time, compared as instants */
	T("DateEquals", PV("2020-01-01T00:00:00Z"), REQ("1577836800"), true),
	T("DateEquals", PV("1577836800"), REQ("2020-01-01T01:00:00+01:00"), true),
	T("DateEquals", PV("2020-01-01"), REQ("2020-01-01T00:00:00Z"), true),
	T("DateEquals", PV("2020-01"), REQ("2020-01-01T00:00:00Z"), true),
	T("DateEquals", PV("2020-01-01T00:00Z"), REQ("1577836800"), true),
	T("DateEquals", PV("2020-01-01T00:00:00.000Z"), REQ("2020-01-01T00:00:00Z"), true),
	T("DateEquals", PV("2020-01-01T00:00:00.5Z"), REQ("2020-01-01T00:00:00Z"), false),
	/* an all-digit value is epoch seconds, not a year */
	T("DateEquals", PV("1970-01-01T00:33:40Z"), REQ("2020"), true),
	T("DateEquals", PV("2020-02-29"), REQ("2020-02-29T00:00:00Z"), true),
	T("DateEquals", PV("2020-02-29"), REQ("2021-02-29T00:00:00Z"), false),
	T("DateEquals", PV("2020-01-01"), REQ("not a date"), false),
	T("DateLessThan", PV("2020-01-01T00:00:00.5Z"), REQ("2020-01-01T00:00:00.25Z"), true),
	T("DateLessThan", PV("2020-01-01T00:00:00Z"), REQ("2020-01-01T00:00:00Z"), false),
	T("DateLessThanEquals", PV("2020-01-01T00:00:00Z"), REQ("1577836800"), true),
	T("DateLessThanIfExists", PV("2020-01-01T00:00:00Z"), ABSENT, true),
	T("DateGreaterThanEquals", PV("2020-01-01T00:00:00Z"), REQ("2019-12-31T19:00:00-05:00"), true),
	T("DateGreaterThan", PV("2020-01-01T00:00:00-05:00"), REQ("2020-01-01T04:59:59Z"), false),
	T("DateGreaterThan", PV("2020-01-01T00:00:00-05:00"), REQ("2020-01-01T05:00:01Z"), true),
	T("DateNotEquals", PV("2020-01-01T00:00:00Z"), REQ("1577836800"), false),
	T("DateNotEquals", PV("2020-01-01T00:00:00Z"), REQ("1577836801"), true),
	T("DateNotEquals", PV("2020-01-01T00:00:00Z"), ABSENT, true),
	T("DateNotEquals", PV("2020-01-01T00:00:00Z"), REQ("yesterday"), false),
	T("ForAnyValue:DateLessThan", PV("2020-01-01"), REQ("2030-01-01", "2010-01-01"), true),

	/* ---- Bool */
	T("Bool", PV("true"), REQ("true"), true),
	T("Bool", PV("true"), REQ("TRUE"), true),
	T("Bool", PV("true"), REQ("false"), false),
	T("Bool", PV("true"), REQ("yes"), false),
	/* ops table: no aws:SecureTransport -> No match */
	T("Bool", PV("false"), ABSENT, false),
	T("Bool", PV("false"), REQ("False"), true),
	T("Bool", PV("True"), REQ("true"), true),
	T("Bool", PV("true", "false"), REQ("false"), true),
	/* tricky 24: Deny BoolIfExists MFA false -> denied without MFA */
	T("BoolIfExists", PV("false"), ABSENT, true),
	T("BoolIfExists", PV("false"), REQ("false"), true),
	T("BoolIfExists", PV("false"), REQ("true"), false),
	T("Bool", PV("true"), REQ("true", "true"), false),
	T("ForAnyValue:Bool", PV("true"), REQ("false", "true"), true),
	T("ForAllValues:Bool", PV("true"), REQ("false", "true"), false),
	T("ForAllValues:Bool", PV("true"), ABSENT, true),

	/* ---- BinaryEquals (ops table) */
	T("BinaryEquals", PV(B64), REQ(B64), true),
	T("BinaryEquals", PV(B64), REQ("ASIAIOSFODNN7EXAMPLE"), false),
	T("BinaryEquals", PV(B64), ABSENT, false),
	/* decoded bytes are compared: padding does not matter */
	T("BinaryEquals", PV(B64), REQ("QmluYXJ5VmFsdWVJbkJhc2U2NA"), true),
	T("BinaryEquals", PV(B64), REQ("QmluYXJ5VmFsdWVJbkJhc2U2NA="), false),
	T("BinaryEquals", PV(B64), REQ("!!!!"), false),
	T("BinaryEqualsIfExists", PV(B64), ABSENT, true),
	T("BinaryEquals", PV("AAEC", "/w=="), REQ("/w=="), true),
	T("BinaryEquals", PV("AAEC"), REQ("AAED"), false),
	T("ForAnyValue:BinaryEquals", PV("/w=="), REQ("AAEC", "/w=="), true),

	/* ---- IpAddress (ops tables) */
	T("IpAddress", PV("203.0.113.0/24"), REQ("203.0.113.1"), true),
	T("IpAddress", PV("203.0.113.0/24"), REQ("198.51.100.1"), false),
	/* ops: an address without a prefix is /32 */
	T("IpAddress", PV("203.0.113.7"), REQ("203.0.113.7"), true),
	T("IpAddress", PV("203.0.113.7"), REQ("203.0.113.8"), false),
	T("IpAddress", PV("2001:DB8:1234:5678::/64"), REQ("2001:db8:1234:5678:abcd::1"), true),
	T("IpAddress", PV("2001:DB8:1234:5678::/64"), REQ("2001:db8:1234:5679::1"), false),
	T("IpAddress", PV("2001:db8::1"), REQ("2001:db8:0:0:0:0:0:1"), true),
	T("IpAddress", PV("2001:db8::1"), REQ("2001:db8::2"), false),
	T("IpAddress", PV("203.0.113.0/24", "2001:DB8:1234:5678::/64"), REQ("2001:db8:1234:5678::9"), true),
	/* IPv4-mapped IPv6 is read as IPv4 on both sides (AWS undocumented) */
	T("IpAddress", PV("203.0.113.0/24"), REQ("::ffff:203.0.113.9"), true),
	T("IpAddress", PV("::ffff:203.0.113.0/120"), REQ("203.0.113.9"), true),
	T("IpAddress", PV("203.0.113.0/24"), REQ("2001:db8::1"), false),
	/* an address of the other family is outside the range */
	T("NotIpAddress", PV("203.0.113.0/24"), REQ("2001:db8::1"), true),
	/* an invalid request value never matches, negated or not */
	T("IpAddress", PV("203.0.113.0/24"), REQ("not-an-ip"), false),
	T("NotIpAddress", PV("203.0.113.0/24"), REQ("not-an-ip"), false),
	T("IpAddress", PV("203.0.113.0/24"), REQ("203.0.113.1/32"), false),
	T("IpAddress", PV("10.0.0.0/8"), REQ("010.0.0.1"), false),
	T("IpAddress", PV("fe80::/10"), REQ("fe80::1%eth0"), false),
	T("IpAddress", PV("0.0.0.0/0"), REQ("8.8.8.8"), true),
	T("IpAddress", PV("203.0.113.5/24"), REQ("203.0.113.200"), true),
	T("IpAddress", PV("10.0.0.0/9"), REQ("10.127.255.255"), true),
	T("IpAddress", PV("10.0.0.0/9"), REQ("10.128.0.0"), false),
	T("NotIpAddress", PV("10.0.0.0/8", "192.168.0.0/16"), REQ("10.1.2.3"), false),
	T("NotIpAddress", PV("10.0.0.0/8", "192.168.0.0/16"), REQ("8.8.8.8"), true),
	T("NotIpAddress", PV("10.0.0.0/8"), ABSENT, true),
	T("NotIpAddressIfExists", PV("10.0.0.0/8"), ABSENT, true),
	/* ops: aws:SourceIp absent through a VPC endpoint -> false */
	T("IpAddress", PV("10.0.0.0/8"), ABSENT, false),
	T("IpAddressIfExists", PV("10.0.0.0/8"), ABSENT, true),
	T("ForAnyValue:IpAddress", PV("10.0.0.0/8"), REQ("8.8.8.8", "10.0.0.1"), true),
	T("ForAllValues:NotIpAddress", PV("10.0.0.0/8"), REQ("8.8.8.8", "10.0.0.1"), false),

	/* ---- Arn */
	T("ArnLike", PV("arn:aws:iam::*:role/Platform*"), REQ(DEPLOY), true),
	T("ArnLike", PV("arn:aws:iam::*:role/Platform*"), REQ(BOB), false),
	T("ArnEquals", PV("arn:aws:sns:us-west-2:123456789012:TOPIC-ID"),
	    REQ("arn:aws:sns:us-west-2:123456789012:TOPIC-ID"), true),
	T("ArnEquals", PV("arn:aws:sns:us-west-2:123456789012:TOPIC-ID"),
	    REQ("arn:aws:sns:us-west-2:777788889999:TOPIC-ID"), false),
	T("ArnEquals", PV("arn:aws:sns:us-west-2:123456789012:TOPIC-ID"), ABSENT, false),
	/* ops: "ArnEquals and ArnLike condition operators behave identically" */
	T("ArnEquals", PV("arn:aws:iam::*:role/*"), REQ(ADMIN), true),
	/* ops: ArnLike matches per segment; the StringLike twin above matched */
	T("ArnLike", PV("arn:aws:someservice:*:111122223333:finance/*"),
	    REQ("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"), false),
	T("ArnLike", PV("arn:aws:iam::111122223333:role/admin"), REQ(ADMIN), false),
	T("ArnNotLike", PV("arn:aws:iam::*:role/Platform*"), REQ(BOB), true),
	T("ArnNotLike", PV("arn:aws:iam::*:role/Platform*"), REQ(DEPLOY), false),
	T("ArnNotLike", PV("arn:aws:iam::*:role/Platform*"), ABSENT, true),
	T("ArnNotEquals", PV("arn:aws:iam::*:role/*"), REQ(ADMIN), false),
	T("ArnNotEquals", PV("arn:aws:iam::*:role/*"), REQ(BOB), true),
	T("ArnLike", PV("arn:aws:iam::*:role/*"), ABSENT, false),
	T("ArnLikeIfExists", PV("arn:aws:iam::*:role/*"), ABSENT, true),
	T("ArnNotLikeIfExists", PV("arn:aws:iam::*:role/*"), REQ(ADMIN), false),
	/* ops ForAllValues:ArnLike table (its non-contradictory rows) */
	T("ForAllValues:ArnLike", PV("arn:aws::cloudfront:123456789012:distribution/*",
	    "arn:aws::cloudfront:123456789012:distribution/support*"),
	    REQ("arn:aws::cloudfront:123456789012:distribution/costcenter"), true),
	T("ForAllValues:ArnLike", PV("arn:aws::cloudfront:123456789012:distribution/*",
	    "arn:aws::cloudfront:123456789012:distribution/support*"),
	    REQ("arn:aws::cloudfront:123456789012:distribution/costcenter",
	    "arn:aws::cloudfront:123456789012:distribution/support2025"), true),
	T("ForAllValues:ArnLike", PV("arn:aws::cloudfront:123456789012:distribution/*"),
	    REQ("arn:aws::cloudfront:777788889999:distribution/costcenter"), false),
	T("ForAllValues:ArnLike", PV("arn:aws::cloudfront:123456789012:distribution/*"), ABSENT, true),
	T("ForAnyValue:ArnLike", PV(ADMIN), REQ(BOB, ADMIN), true),
	T("ForAnyValue:ArnNotLike", PV(ADMIN), REQ(ADMIN), false),

	/* ---- Null */
	T("Null", PV("true"), ABSENT, true),
	T("Null", PV("true"), REQ("x"), false),
	/* tricky 19: Null false = key present */
	T("Null", PV("false"), REQ("ec2.amazonaws.com"), true),
	T("Null", PV("false"), ABSENT, false),
	/* multi: empty value set / empty string are a null dataset; Null false
	 * is AWS's guard against them */
	T("Null", PV("false"), EMPTY, false),
	T("Null", PV("true"), EMPTY, true),
	T("Null", PV("false"), REQ(""), false),
	T("Null", PV("TRUE"), ABSENT, true),
	T("Null", PV("true", "false"), REQ("x"), true),
	T("Null", PV("true", "false"), ABSENT, true),
	T("Null", PV("false"), REQ("a", "b"), true),

	/* ---- set qualifiers */
	/* ops ForAnyValue table */
	T("ForAnyValue:StringEquals", PV("environment"), REQ("environment", "costcenter"), true),
	T("ForAnyValue:StringEquals", PV("environment"), REQ("Environment"), false),
	T("ForAnyValue:StringEquals", PV("environment"), REQ("costcenter"), false),
	T("ForAnyValue:StringEquals", PV("environment"), ABSENT, false),
	/* multi: "For no matching context key or a null dataset ... false" */
	T("ForAnyValue:StringEquals", PV("environment"), EMPTY, false),
	T("ForAnyValue:StringEqualsIfExists", PV("environment"), ABSENT, true),
	/* IfExists speaks of absence only: a present empty set stays false */
	T("ForAnyValue:StringEqualsIfExists", PV("environment"), EMPTY, false),
	/* tricky 17: ForAllValues on no tags is true */
	T("ForAllValues:StringEquals", PV("a"), ABSENT, true),
	T("ForAllValues:StringEquals", PV("a"), EMPTY, true),
	/* multi: "... resolves to a null dataset, such as an empty string" */
	T("ForAllValues:StringEquals", PV("a"), REQ(""), true),
	T("ForAllValues:StringEquals", PV("a", "b"), REQ("a", "b"), true),
	T("ForAllValues:StringEquals", PV("a", "b"), REQ("a", "c"), false),
	T("ForAllValues:StringEquals", PV("a", "b"), REQ("a"), true),
	T("ForAllValues:StringEqualsIfExists", PV("a"), ABSENT, true),
	T("ForAllValues:StringEqualsIfExists", PV("a"), REQ("b"), false),
	T("ForAllValues:StringLike", PV("Created*"), REQ("CreatedBy", "CreatedAt"), true),
	T("ForAllValues:StringLike", PV("Created*"), REQ("CreatedBy", "Owner"), false),
	/* multi examples: Deny ForAllValues:StringNotLike key1*. (The ops page's
	 * aws:ResourceOrgPaths table contradicts both this and the operator
	 * definitions; the definitions win.) */
	T("ForAllValues:StringNotLike", PV("key1*"), REQ("key1:legal"), false),
	T("ForAllValues:StringNotLike", PV("key1*"), REQ("key1:hr", "key1:personnel"), false),
	T("ForAllValues:StringNotLike", PV("key1*"), REQ("key2:audit"), true),
	T("ForAllValues:StringNotLike", PV("key1*"), ABSENT, true),
	/* ops: ForAnyValue:<negated> = some request value matches none */
	T("ForAnyValue:StringNotEquals", PV("a"), REQ("a", "b"), true),
	T("ForAnyValue:StringNotEquals", PV("a"), REQ("a"), false),
	T("ForAnyValue:StringNotEquals", PV("a", "b"), REQ("b", "a"), false),
	T("ForAnyValue:StringNotEquals", PV("a"), ABSENT, false),
	T("ForAnyValue:StringNotEquals", PV("a"), EMPTY, false),
	/* ops: ForAllValues:<negated> = no request value matches any */
	T("ForAllValues:StringNotEquals", PV("a", "b"), REQ("c", "d"), true),
	T("ForAllValues:StringNotEquals", PV("a", "b"), REQ("c", "a"), false),
	T("ForAllValues:StringNotEquals", PV("a"), ABSENT, true),
	T("ForAllValues:StringNotEquals", PV("a"), EMPTY, true),
	T("ForAnyValue:StringNotLike", PV("key1*"), REQ("key1:a", "key2:b"), true),
	T("ForAnyValue:StringNotEqualsIgnoreCase", PV("a"), REQ("A"), false),
	/* a qualified operator also takes a single value */
	T("ForAnyValue:StringLike", PV("x*"), REQ("xy"), true),
	T("ForAllValues:StringEquals", PV("a"), REQ("a"), true),
	T("ForAllValues:StringEquals", PV("a"), REQ("b"), false),
	/* several values with one empty string is not a null dataset */
	T("ForAllValues:StringEquals", PV("a"), REQ("a", ""), false),

	/* ---- more corners */
	/* a time without a zone is read as UTC */
	T("DateEquals", PV("2020-01-01T00:00:00"), REQ("1577836800"), true),
	/* epoch seconds are digits only */
	T("DateLessThan", PV("2020-01-01T00:00:00Z"), REQ("-1"), false),
	T("IpAddress", PV("::/0"), REQ("2001:db8::1"), true),
	/* families stay apart: ::/0 is every IPv6 address, not every address */
	T("IpAddress", PV("::/0"), REQ("1.2.3.4"), false),
	T("IpAddress", PV("2001:db8::/32"), REQ("2001:DB8:0000::0001"), true),
	T("NotIpAddress", PV("10.0.0.0/8", "2001:db8::/32"), REQ("2001:db8::1"), false),
	T("NotIpAddress", PV("10.0.0.0/8", "2001:db8::/32"), REQ("2001:db9::1"), true),
	/* IgnoreCase folds ASCII letters only, as match.h does */
	T("StringEqualsIgnoreCase", PV("\xc3\x89T\xc3\x89"), REQ("\xc3\x89t\xc3\x89"), true),
	T("StringEqualsIgnoreCase", PV("\xc3\x89"), REQ("\xc3\xa9"), false),
	/* ? is one character, not one byte */
	T("StringLike", PV("caf?"), REQ("caf\xc3\xa9"), true),
	T("BinaryEquals", PV(""), REQ(""), true),
	T("NumericLessThan", PV("-10"), REQ("-10.5"), true),
	T("NumericGreaterThan", PV("-10"), REQ("-9.99"), true),
	T("NumericGreaterThan", PV("0.5"), REQ("0.49999"), false),

	/* ---- no policy values at all */
	T("StringEquals", PV0, REQ("a"), false),
	T("StringNotEquals", PV0, REQ("a"), true),
	T("Null", PV0, ABSENT, false),
};

#define NROWS ((int)(sizeof(rows) / sizeof(rows[0])))

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (n < MAXV && v[n] != NULL)
		n++;
	return n;
}

START_TEST(test_table)
{
	const struct row *r = &rows[_i];
	struct condop op;
	struct condop_values *pv;
	struct err e;
	size_t nv = count(r->vals), nr = count(r->req);
	bool got, got_strings;
	long calls;

	ck_assert_msg(condop_parse(r->op, &op, &e) == 0, "line %d: %s", r->line, e.msg);
	pv = condop_values_new(&op, r->vals, nv, &e);
	ck_assert_msg(pv != NULL, "line %d: %s", r->line, e.msg);
	alloc_calls = 0;
	alloc_counting = 1;
	got = condop_eval(&op, pv, r->present, r->req, nr);
	got_strings = condop_eval_strings(&op, r->vals, nv, r->present, r->req, nr);
	alloc_counting = 0;
	calls = alloc_calls;
	condop_values_free(pv);
	ck_assert_msg(got == r->want, "line %d: %s: condop_eval gave %d, want %d", r->line, r->op,
	    got, r->want);
	ck_assert_msg(got_strings == r->want, "line %d: %s: condop_eval_strings gave %d, want %d",
	    r->line, r->op, got_strings, r->want);
	ck_assert_msg(calls == 0, "line %d: evaluation allocated %ld times", r->line, calls);
}
END_TEST

/* The counter itself works: otherwise the zero above proves nothing. */
START_TEST(test_alloc_counter_sees_allocations)
{
	void *volatile p;

	alloc_calls = 0;
	alloc_counting = 1;
	p = malloc(16);
	alloc_counting = 0;
	ck_assert_ptr_nonnull(p);
	free(p);
	ck_assert_int_eq(alloc_calls, 1);

	/* and it sees the ones the policy library makes */
	{
		struct condop op;
		const char *v[] = { "10.0.0.0/8" };
		struct condop_values *pv;

		ck_assert_int_eq(condop_parse("IpAddress", &op, NULL), 0);
		alloc_calls = 0;
		alloc_counting = 1;
		pv = condop_values_new(&op, v, 1, NULL);
		alloc_counting = 0;
		ck_assert_ptr_nonnull(pv);
		ck_assert_int_ge(alloc_calls, 1);
		condop_values_free(pv);
	}
}
END_TEST

/* --------------------------------------------------------------- parsing */

START_TEST(test_parse_names)
{
	struct condop op;
	char buf[80];
	static const enum condop_set sets[] = { CONDOP_SET_NONE, CONDOP_SET_FOR_ANY_VALUE,
		CONDOP_SET_FOR_ALL_VALUES };
	int n = 0;

	ck_assert_int_eq(condop_parse("ForAllValues:StringNotEqualsIgnoreCaseIfExists", &op, NULL), 0);
	ck_assert_int_eq(op.kind, CONDOP_STRING_NOT_EQUALS_IGNORE_CASE);
	ck_assert_int_eq(op.set, CONDOP_SET_FOR_ALL_VALUES);
	ck_assert(op.if_exists);
	ck_assert_int_eq(condop_parse("ArnLikeIfExists", &op, NULL), 0);
	ck_assert_int_eq(op.kind, CONDOP_ARN_LIKE);
	ck_assert_int_eq(op.set, CONDOP_SET_NONE);
	ck_assert(op.if_exists);
	ck_assert_int_eq(condop_parse("Null", &op, NULL), 0);
	ck_assert_int_eq(op.kind, CONDOP_NULL);
	ck_assert(!op.if_exists);

	/* every name round-trips through condop_format */
	for (int k = CONDOP_STRING_EQUALS; k <= CONDOP_NULL; k++) {
		for (int s = 0; s < 3; s++) {
			for (int ie = 0; ie < 2; ie++) {
				struct condop want = { (enum condop_kind)k, sets[s], ie != 0 };
				struct condop got;
				size_t len;

				if (k == CONDOP_NULL && (s != 0 || ie != 0))
					continue;
				len = condop_format(&want, buf, sizeof(buf));
				ck_assert_uint_eq(len, strlen(buf));
				ck_assert_msg(condop_parse(buf, &got, NULL) == 0, "%s", buf);
				ck_assert_int_eq(got.kind, want.kind);
				ck_assert_int_eq(got.set, want.set);
				ck_assert_int_eq(got.if_exists, want.if_exists);
				n++;
			}
		}
	}
	ck_assert_int_eq(n, 26 * 6 + 1);
	{
		struct condop o = { CONDOP_STRING_LIKE, CONDOP_SET_FOR_ANY_VALUE, true };

		ck_assert_uint_eq(condop_format(&o, buf, 8), strlen("ForAnyValue:StringLikeIfExists"));
		ck_assert_str_eq(buf, "ForAnyV");
	}
}
END_TEST

struct bad_name {
	const char *name;
	const char *needle;	/* must appear in the message */
};

static const struct bad_name bad_names[] = {
	{ "StringEqual", "did you mean \"StringEquals\"" },
	{ "stringequals", "did you mean \"StringEquals\"" },
	{ "STRINGEQUALS", "did you mean \"StringEquals\"" },
	{ "StringEqualsIfexists", "did you mean \"StringEqualsIfExists\"" },
	{ "forallvalues:StringEquals", "did you mean \"ForAllValues:StringEquals\"" },
	{ "ForAllValue:StringLike", "did you mean \"ForAllValues:StringLike\"" },
	{ "ForAnyValues:StringLike", "did you mean \"ForAnyValue:StringLike\"" },
	{ "Ipaddress", "did you mean \"IpAddress\"" },
	{ "NotIPAddress", "did you mean \"NotIpAddress\"" },
	{ "ArnLikee", "did you mean \"ArnLike\"" },
	{ "Bol", "did you mean \"Bool\"" },
	{ "DateGreaterThen", "did you mean \"DateGreaterThan\"" },
	{ "null", "did you mean \"Null\"" },
	/* ops: IfExists on "any condition operator name except the Null condition" */
	{ "NullIfExists", "Null cannot take IfExists" },
	{ "ForAnyValue:Null", "takes no ForAnyValue:/ForAllValues: qualifier" },
	{ "ForAllValues:Null", "takes no ForAnyValue:/ForAllValues: qualifier" },
	{ "IfExists", "unknown condition operator \"IfExists\"" },
	{ "", "unknown condition operator \"\"" },
	{ "Bogus", "unknown condition operator \"Bogus\"" },
	{ "ForAnyValue:", "unknown condition operator" },
	{ "ForAnyValue:ForAllValues:StringEquals", "unknown condition operator" },
	{ "StringEqualsIfExistsIfExists", "unknown condition operator" },
	{ "StringEquals ", "did you mean \"StringEquals\"" },
	{ "String\"Equals\n", "unknown condition operator \"String?Equals?\"" },
};

START_TEST(test_parse_errors)
{
	const struct bad_name *b = &bad_names[_i];
	struct condop op = { CONDOP_BOOL, CONDOP_SET_NONE, false };
	struct err e;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(condop_parse(b->name, &op, &e), -1);
	ck_assert_msg(strstr(e.msg, b->needle) != NULL, "\"%s\": message \"%s\" lacks \"%s\"", b->name,
	    e.msg, b->needle);
	/* the case hint only where case is the whole difference */
	ck_assert_int_eq(strstr(e.msg, "case-sensitive") != NULL,
	    strcasecmp(b->name, "StringEquals") == 0 || strcmp(b->name, "null") == 0 ||
	    strcmp(b->name, "forallvalues:StringEquals") == 0 || strcmp(b->name, "Ipaddress") == 0 ||
	    strcmp(b->name, "NotIPAddress") == 0 || strcmp(b->name, "StringEqualsIfexists") == 0);
	/* a failed parse leaves the output alone */
	ck_assert_int_eq(op.kind, CONDOP_BOOL);
}
END_TEST

START_TEST(test_parse_hostile_names)
{
	char longname[300];
	struct err e;

	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(condop_parse(longname, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "..."));
	ck_assert_uint_lt(strlen(e.msg), 200);
	/* a valid name followed by a long tail is not valid */
	memcpy(longname, "StringEquals", 12);
	ck_assert_int_eq(condop_parse(longname, NULL, NULL), -1);
	ck_assert_int_eq(condop_parse(NULL, NULL, &e), -1);
	ck_assert_int_eq(condop_parse("StringEquals\x01", NULL, &e), -1);
}
END_TEST

START_TEST(test_policy_variable_families)
{
	/* ops: "Policy variables - Supported" for String, Bool, ARN only */
	ck_assert(condop_takes_policy_variables(CONDOP_STRING_LIKE));
	ck_assert(condop_takes_policy_variables(CONDOP_STRING_NOT_EQUALS_IGNORE_CASE));
	ck_assert(condop_takes_policy_variables(CONDOP_BOOL));
	ck_assert(condop_takes_policy_variables(CONDOP_ARN_NOT_LIKE));
	ck_assert(!condop_takes_policy_variables(CONDOP_NUMERIC_EQUALS));
	ck_assert(!condop_takes_policy_variables(CONDOP_DATE_LESS_THAN));
	ck_assert(!condop_takes_policy_variables(CONDOP_BINARY_EQUALS));
	ck_assert(!condop_takes_policy_variables(CONDOP_IP_ADDRESS));
	ck_assert(!condop_takes_policy_variables(CONDOP_NULL));
	ck_assert(!condop_takes_policy_variables((enum condop_kind)99));
}
END_TEST

START_TEST(test_negated_kinds)
{
	static const enum condop_kind neg[] = { CONDOP_STRING_NOT_EQUALS,
		CONDOP_STRING_NOT_EQUALS_IGNORE_CASE, CONDOP_STRING_NOT_LIKE, CONDOP_NUMERIC_NOT_EQUALS,
		CONDOP_DATE_NOT_EQUALS, CONDOP_NOT_IP_ADDRESS, CONDOP_ARN_NOT_EQUALS,
		CONDOP_ARN_NOT_LIKE };
	int found = 0;

	for (int k = CONDOP_STRING_EQUALS; k <= CONDOP_NULL; k++) {
		bool expect = false;

		for (size_t i = 0; i < sizeof(neg) / sizeof(neg[0]); i++)
			expect = expect || neg[i] == (enum condop_kind)k;
		ck_assert_int_eq(condop_is_negated((enum condop_kind)k), expect);
		found += expect;
	}
	ck_assert_int_eq(found, 8);
	ck_assert(!condop_is_negated((enum condop_kind)99));
}
END_TEST

/* ---------------------------------------------------------------- values */

struct bad_value {
	const char *op;
	const char *value;
	const char *needle;
};

static const struct bad_value bad_values[] = {
	{ "NumericEquals", "abc", "value \"abc\" is not a number" },
	{ "NumericLessThan", "1e3", "value \"1e3\" is not a number" },
	{ "NumericEquals", "10.", "is not a number" },
	{ "NumericEquals", ".5", "is not a number" },
	{ "NumericEquals", "", "is not a number" },
	{ "NumericEquals", "NaN", "is not a number" },
	{ "DateEquals", "yesterday", "value \"yesterday\" is not a date" },
	{ "DateEquals", "2020-13-01", "is not a date" },
	{ "DateEquals", "2021-02-29", "is not a date" },
	{ "DateEquals", "2020-01-01T24:00:00Z", "is not a date" },
	{ "DateEquals", "2020-01-01T00:00:00+0100", "is not a date" },
	{ "DateEquals", "2020-01-01Z", "is not a date" },
	{ "DateEquals", "1234567890123456789", "is not a date" },
	{ "Bool", "yes", "value \"yes\" is not \"true\" or \"false\"" },
	{ "BoolIfExists", "", "is not \"true\" or \"false\"" },
	{ "Null", "maybe", "value \"maybe\" is not \"true\" or \"false\"" },
	{ "BinaryEquals", "not base64!", "is not base64 text" },
	{ "BinaryEquals", "QQ=", "is not base64 text" },
	{ "BinaryEquals", "Q", "is not base64 text" },
	{ "IpAddress", "10.0.0.0/33", "value \"10.0.0.0/33\" is not an IPv4 or IPv6 address" },
	{ "IpAddress", "300.1.1.1", "is not an IPv4 or IPv6" },
	{ "NotIpAddress", "2001:db8::/129", "is not an IPv4 or IPv6" },
	{ "IpAddress", "fe80::1%eth0", "is not an IPv4 or IPv6" },
	{ "IpAddress", "10.0.0.0/", "is not an IPv4 or IPv6" },
	{ "IpAddress", "10.0.0.0/-1", "is not an IPv4 or IPv6" },
	{ "IpAddress", "10.0.0.0/8/8", "is not an IPv4 or IPv6" },
	{ "IpAddress", "", "is not an IPv4 or IPv6" },
	{ "ForAnyValue:NumericEqualsIfExists", "x", "ForAnyValue:NumericEqualsIfExists: value \"x\"" },
};

START_TEST(test_value_errors)
{
	const struct bad_value *b = &bad_values[_i];
	const char *vals[] = { "1", b->value };
	struct condop op;
	struct err e;

	ck_assert_int_eq(condop_parse(b->op, &op, NULL), 0);
	memset(&e, 0, sizeof(e));
	/* the bad value is second: the first may be valid or not, the error
	 * must still name the bad one when the first is fine */
	if (op.kind == CONDOP_BOOL || op.kind == CONDOP_NULL)
		vals[0] = "true";
	else if (op.kind == CONDOP_BINARY_EQUALS)
		vals[0] = "AAEC";
	else if (op.kind == CONDOP_IP_ADDRESS || op.kind == CONDOP_NOT_IP_ADDRESS)
		vals[0] = "10.0.0.1";
	ck_assert_ptr_null(condop_values_new(&op, vals, 2, &e));
	ck_assert_msg(strstr(e.msg, b->needle) != NULL, "%s \"%s\": message \"%s\" lacks \"%s\"", b->op,
	    b->value, e.msg, b->needle);
}
END_TEST

START_TEST(test_value_limits)
{
	struct condop op;
	struct err e;
	char *big = malloc(9001);
	const char *vals[2];
	const char **many = calloc(1025, sizeof(*many));
	struct condop_values *pv;

	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(many);
	memset(big, 'a', 9000);
	big[9000] = '\0';
	ck_assert_int_eq(condop_parse("StringEquals", &op, NULL), 0);
	vals[0] = big;
	ck_assert_ptr_null(condop_values_new(&op, vals, 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "longer than"));
	ck_assert_ptr_nonnull(strstr(e.msg, "aaa..."));

	vals[0] = "ok";
	vals[1] = NULL;
	ck_assert_ptr_null(condop_values_new(&op, vals, 2, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "value 2 is missing"));

	for (int i = 0; i < 1025; i++)
		many[i] = "x";
	ck_assert_ptr_null(condop_values_new(&op, many, 1025, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "1025 values"));
	pv = condop_values_new(&op, many, 1024, &e);
	ck_assert_ptr_nonnull(pv);
	ck_assert_uint_eq(condop_values_count(pv), 1024);
	condop_values_free(pv);

	ck_assert_ptr_null(condop_values_new(&op, NULL, 1, &e));
	ck_assert_ptr_null(condop_values_new(NULL, vals, 1, &e));
	{
		/* a hand-built NullIfExists is refused here too */
		struct condop bad = { CONDOP_NULL, CONDOP_SET_NONE, true };
		const char *t[] = { "true" };

		ck_assert_ptr_null(condop_values_new(&bad, t, 1, &e));
		ck_assert_ptr_nonnull(strstr(e.msg, "Null"));
	}
	free(big);
	free(many);
}
END_TEST

START_TEST(test_values_keep_original_text)
{
	struct condop op;
	const char *vals[] = { "10.50", "-0", "+3" };
	struct condop_values *pv;
	const char *one[] = { "10.5" };

	ck_assert_int_eq(condop_parse("NumericEquals", &op, NULL), 0);
	pv = condop_values_new(&op, vals, 3, NULL);
	ck_assert_ptr_nonnull(pv);
	ck_assert_uint_eq(condop_values_count(pv), 3);
	ck_assert_str_eq(condop_values_get(pv, 0), "10.50");
	ck_assert_str_eq(condop_values_get(pv, 1), "-0");
	ck_assert_str_eq(condop_values_get(pv, 2), "+3");
	ck_assert_ptr_null(condop_values_get(pv, 3));
	/* the copies are the module's own: the caller's array may go away */
	ck_assert_ptr_ne(condop_values_get(pv, 0), vals[0]);
	ck_assert(condop_eval(&op, pv, true, one, 1));
	condop_values_free(pv);
	condop_values_free(NULL);
	ck_assert_uint_eq(condop_values_count(NULL), 0);
	ck_assert_ptr_null(condop_values_get(NULL, 0));
}
END_TEST

/* --------------------------------------------------- on-the-fly only rules */

START_TEST(test_eval_strings_specifics)
{
	struct condop op;
	const char *req_ip[] = { "1.2.3.4" };
	const char *req_ten[] = { "10" };
	char longv[200];
	const char *longreq[1] = { longv };

	/* a substituted value that cannot be read matches nothing ... */
	ck_assert_int_eq(condop_parse("NumericEquals", &op, NULL), 0);
	{
		const char *v[] = { "abc", "10" };

		ck_assert(condop_eval_strings(&op, v, 2, true, req_ten, 1));
		ck_assert(!condop_eval_strings(&op, v, 1, true, req_ten, 1));
	}
	/* ... so for a negated operator it excludes nothing */
	ck_assert_int_eq(condop_parse("NotIpAddress", &op, NULL), 0);
	{
		const char *v[] = { "garbage" };

		ck_assert(condop_eval_strings(&op, v, 1, true, req_ip, 1));
	}
	/* an over-long value never matches, on either side */
	memset(longv, ' ', sizeof(longv) - 1);
	memcpy(longv, "1.2.3.4", 7);
	longv[sizeof(longv) - 1] = '\0';
	ck_assert_int_eq(condop_parse("IpAddress", &op, NULL), 0);
	{
		const char *v[] = { "1.2.3.4" };
		const char *lv[] = { longv };

		ck_assert(!condop_eval_strings(&op, v, 1, true, longreq, 1));
		ck_assert(!condop_eval_strings(&op, lv, 1, true, req_ip, 1));
		ck_assert(condop_eval_strings(&op, v, 1, true, req_ip, 1));
	}
	/* a substituted value longer than condop_values_new accepts never
	 * matches, even for the string operators that need no buffer */
	{
		static char huge[9000];
		const char *v[] = { huge };
		const char *r[] = { huge };
		struct condop se;

		memset(huge, 'h', sizeof(huge) - 1);
		ck_assert_int_eq(condop_parse("StringEquals", &se, NULL), 0);
		ck_assert(!condop_eval_strings(&se, v, 1, true, r, 1));
		huge[100] = '\0';
		ck_assert(condop_eval_strings(&se, v, 1, true, r, 1));
	}
	/* Bool supports policy variables: a substituted value is read on the fly */
	ck_assert_int_eq(condop_parse("Bool", &op, NULL), 0);
	{
		const char *v[] = { "TRUE" };
		const char *r[] = { "true" };

		ck_assert(condop_eval_strings(&op, v, 1, true, r, 1));
	}
	/* NULL pointers are refused, never dereferenced */
	ck_assert(!condop_eval_strings(&op, NULL, 1, true, req_ip, 1));
	ck_assert(!condop_eval_strings(NULL, NULL, 0, true, req_ip, 1));
	ck_assert(!condop_eval(&op, NULL, true, req_ip, 1));
}
END_TEST

START_TEST(test_eval_family_mismatch)
{
	struct condop num, str;
	const char *v[] = { "10" };
	const char *r[] = { "10" };
	struct condop_values *pv;

	ck_assert_int_eq(condop_parse("NumericEquals", &num, NULL), 0);
	ck_assert_int_eq(condop_parse("StringEquals", &str, NULL), 0);
	pv = condop_values_new(&num, v, 1, NULL);
	ck_assert_ptr_nonnull(pv);
	/* values compiled for another family are not reinterpreted */
	ck_assert(!condop_eval(&str, pv, true, r, 1));
	/* the same family with another operator is fine */
	num.kind = CONDOP_NUMERIC_NOT_EQUALS;
	ck_assert(!condop_eval(&num, pv, true, r, 1));
	num.kind = CONDOP_NUMERIC_GREATER_THAN_EQUALS;
	ck_assert(condop_eval(&num, pv, true, r, 1));
	condop_values_free(pv);
}
END_TEST

/*
 * Hostile input: random strings over the characters the parsers care about,
 * as policy and request values of every operator. Under ASan/UBSan this
 * proves the parsers stay in bounds; the checks prove that compiled and
 * on-the-fly evaluation agree on everything that compiles.
 */
START_TEST(test_hostile_values_agree_and_never_crash)
{
	static const char alphabet[] = "0123456789.:-+/TZ=abcdefABCDEF%* ?\x01\xc3\xa9";
	uint32_t seed = 12345;
	int compiled = 0;

	for (int iter = 0; iter < 4000; iter++) {
		char pvbuf[2][40], rqbuf[2][40];
		const char *pvs[2] = { pvbuf[0], pvbuf[1] };
		const char *rqs[2] = { rqbuf[0], rqbuf[1] };
		struct condop op = { (enum condop_kind)(iter % (CONDOP_NULL + 1)),
			(enum condop_set)((iter / 27) % 3), (iter / 81) % 2 == 1 };
		struct condop_values *pv;
		size_t nr;

		if (op.kind == CONDOP_NULL) {
			op.set = CONDOP_SET_NONE;
			op.if_exists = false;
		}
		for (int k = 0; k < 2; k++) {
			size_t lp, lr;

			seed = seed * 1103515245u + 12345u;
			lp = (seed >> 16) % 39;
			seed = seed * 1103515245u + 12345u;
			lr = (seed >> 16) % 39;
			for (size_t j = 0; j < lp; j++) {
				seed = seed * 1103515245u + 12345u;
				pvbuf[k][j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			}
			pvbuf[k][lp] = '\0';
			for (size_t j = 0; j < lr; j++) {
				seed = seed * 1103515245u + 12345u;
				rqbuf[k][j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			}
			rqbuf[k][lr] = '\0';
		}
		/* sometimes a valid value, so that comparisons really run */
		if (iter % 3 == 0) {
			static const char *const good[] = { "10", "2020-01-01T00:00:00Z", "true", "AAEC",
				"10.0.0.0/8", "arn:aws:iam::*:role/*", "a*" };

			pvbuf[0][0] = '\0';
			strncat(pvbuf[0], good[(size_t)iter % 7], sizeof(pvbuf[0]) - 1);
		}
		nr = (size_t)(iter % 3);
		(void)condop_eval_strings(&op, pvs, 2, iter % 5 != 0, rqs, nr);
		pv = condop_values_new(&op, pvs, 2, NULL);
		if (pv == NULL)
			continue;
		compiled++;
		ck_assert_int_eq(condop_eval(&op, pv, iter % 5 != 0, rqs, nr),
		    condop_eval_strings(&op, pvs, 2, iter % 5 != 0, rqs, nr));
		condop_values_free(pv);
	}
	/* the generator must produce compilable values too, or the agreement
	 * check above proved nothing */
	ck_assert_int_gt(compiled, 500);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("condop");
	TCase *tc = tcase_create("condop");

	tcase_add_loop_test(tc, test_table, 0, NROWS);
	tcase_add_test(tc, test_alloc_counter_sees_allocations);
	tcase_add_test(tc, test_parse_names);
	tcase_add_loop_test(tc, test_parse_errors, 0, (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, test_parse_hostile_names);
	tcase_add_test(tc, test_negated_kinds);
	tcase_add_test(tc, test_policy_variable_families);
	tcase_add_loop_test(tc, test_value_errors, 0, (int)(sizeof(bad_values) / sizeof(bad_values[0])));
	tcase_add_test(tc, test_value_limits);
	tcase_add_test(tc, test_values_keep_original_text);
	tcase_add_test(tc, test_eval_strings_specifics);
	tcase_add_test(tc, test_eval_family_mismatch);
	tcase_add_test(tc, test_hostile_values_agree_and_never_crash);
	suite_add_tcase(s, tc);
	return check_main(s);
}
