/*
 * IAM condition operators for one condition key (see condop.h).
 *
 * AWS rules this file follows, and where AWS documents none, the reading
 * chosen (each is pinned by a test in tests/unit/check_condop.c):
 *
 * - Absent key: false, except negated operators (true), any ...IfExists
 *   (true), ForAllValues: (true) and ForAnyValue: (false). IAM User Guide,
 *   "Condition operators": "If the policy condition requires that the key is
 *   not matched, such as StringNotLike or ArnNotLike, and the right key is not
 *   present, the condition is true"; "Single-valued vs. multivalued context
 *   keys": ForAllValues "also returns true if there are no context keys in the
 *   request or if the context key value resolves to a null dataset, such as
 *   an empty string"; ForAnyValue: "For no matching context key or a null
 *   dataset, the condition returns false". IfExists is checked first, so
 *   ForAnyValue:...IfExists on an absent key is true.
 * - Null dataset: a present key with no values, or with the single value "".
 *   It only matters to Null and to the set qualifiers; a plain operator
 *   compares "" as an ordinary value (the s3:prefix "" example in the guide).
 * - Several policy values: any matches (OR); for a negated operator the
 *   request value must match none of them ("Negated matching ... None of the
 *   values ... can match any of the context key values in your policy").
 * - ForAnyValue:<negated> holds when some request value matches none of the
 *   policy values; ForAllValues:<negated> when every request value matches
 *   none of them (the tables under "Multivalued string condition operators").
 * - A request value the operator cannot read (not a number, not a date, not
 *   an address, not base64, not a boolean) never satisfies the operator,
 *   negated or not: a type mismatch is not a "does not equal". This is what
 *   @cloud-copilot/iam-simulate does; AWS documents nothing either way.
 * - A plain (unqualified) operator given a present key with zero or several
 *   values does not match, negated or not: AWS says multivalued keys
 *   "require a condition set operator"; iam-simulate reports AWS confirming
 *   (re:Inforce 2025, IAM431) that such a comparison fails. A multivalued key
 *   that happens to carry one value cannot be told apart here (nreq == 1) and
 *   is compared as a single value.
 * - Null: "true" holds for an absent key or a null dataset, "false" for a
 *   present, non-null key. IfExists and set qualifiers are refused for Null
 *   by condop_parse: AWS allows IfExists on "any condition operator name
 *   except the Null condition", and a quantifier over the values whose very
 *   existence is being tested has no documented meaning.
 * - Numbers: optional sign, digits, optional '.' and digits ("10", "10.5",
 *   "-3"); compared exactly as decimals, so 10 == 10.0 == 010. Exponents,
 *   hexadecimal, "Inf" and "NaN" are not numbers.
 * - Dates: W3C ISO 8601 profile (YYYY-MM, YYYY-MM-DD, ...Thh:mm,
 *   ...Thh:mm:ss, ...Thh:mm:ss.s with Z or +hh:mm/-hh:mm; a time without a
 *   zone is read as UTC) or epoch seconds (digits only, at most 18). An
 *   all-digit value is epoch seconds, so "2020" is 1970-01-01T00:33:40Z, not
 *   the year 2020 (the aws:EpochTime reading; iam-simulate does the same).
 *   Compared as instants to the nanosecond.
 * - Bool and the values of Null: "true"/"false" in any letter case.
 * - BinaryEquals: both sides are base64 text (the guide's table compares the
 *   request value "QmluYXJ5VmFsdWVJbkJhc2U2NA==" with the same policy text);
 *   the decoded bytes are compared, so padding or unused trailing bits do not
 *   matter.
 * - IP: IPv4 or IPv6, CIDR or a plain address (/32 or /128). An address of
 *   the other family is simply outside the range (so NotIpAddress holds). An
 *   IPv4-mapped IPv6 address (::ffff:a.b.c.d) is read as the IPv4 address on
 *   both sides, as socket APIs that accept either family present it; AWS
 *   documents nothing about mapped addresses. A request value with a prefix
 *   or a zone index is not an address.
 * - ArnEquals and ArnLike behave identically, as do ArnNotEquals and
 *   ArnNotLike ("The ArnEquals and ArnLike condition operators behave
 *   identically"): per-segment wildcard matching through match_arn().
 * - String operators: StringEquals/StringNotEquals compare bytes;
 *   IgnoreCase folds ASCII letters (match.h); Like operators use match_glob.
 *   MATCH_ESC marks a literal character in a substituted policy value.
 *
 * Evaluation never allocates: compiled values are parsed ahead; on-the-fly
 * parsing works on the caller's strings in place (numbers, dates, base64 are
 * read with explicit lengths) or in one fixed stack buffer (addresses).
 */
#include "config.h"

#include "policy/condop.h"
#include "policy/match.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bounds for compiled values. An IAM policy document is at most a few
 * kilobytes, so these only stop hostile input. */
#define CONDOP_MAX_VALUES 1024
#define CONDOP_MAX_VALUE_LEN 8192
/* Longest operator name accepted ("ForAllValues:StringNotEqualsIgnoreCaseIfExists"
 * is 46). */
#define CONDOP_NAME_MAX 64
/* An address with prefix fits easily ("ffff:...:255.255.255.255/128" is 50). */
#define CONDOP_IP_TEXT_MAX 64

enum condop_family {
	FAM_STRING,
	FAM_NUMERIC,
	FAM_DATE,
	FAM_BOOL,
	FAM_BINARY,
	FAM_IP,
	FAM_ARN,
	FAM_NULL,
};

/* How an ordered family compares request to policy value: "request OP policy". */
enum condop_cmp {
	CMP_NONE,
	CMP_EQ,
	CMP_LT,
	CMP_LE,
	CMP_GT,
	CMP_GE,
};

struct condop_info {
	const char *name;
	enum condop_family family;
	enum condop_cmp cmp;
	bool negated;
	bool nocase;	/* StringEqualsIgnoreCase and its negation */
	bool like;	/* StringLike and its negation */
};

/* Indexed by enum condop_kind; the order must follow condop.h. */
static const struct condop_info condop_info[] = {
	[CONDOP_STRING_EQUALS] = { "StringEquals", FAM_STRING, CMP_EQ, false, false, false },
	[CONDOP_STRING_NOT_EQUALS] = { "StringNotEquals", FAM_STRING, CMP_EQ, true, false, false },
	[CONDOP_STRING_EQUALS_IGNORE_CASE] = { "StringEqualsIgnoreCase", FAM_STRING, CMP_EQ, false, true, false },
	[CONDOP_STRING_NOT_EQUALS_IGNORE_CASE] = { "StringNotEqualsIgnoreCase", FAM_STRING, CMP_EQ, true, true, false },
	[CONDOP_STRING_LIKE] = { "StringLike", FAM_STRING, CMP_EQ, false, false, true },
	[CONDOP_STRING_NOT_LIKE] = { "StringNotLike", FAM_STRING, CMP_EQ, true, false, true },
	[CONDOP_NUMERIC_EQUALS] = { "NumericEquals", FAM_NUMERIC, CMP_EQ, false, false, false },
	[CONDOP_NUMERIC_NOT_EQUALS] = { "NumericNotEquals", FAM_NUMERIC, CMP_EQ, true, false, false },
	[CONDOP_NUMERIC_LESS_THAN] = { "NumericLessThan", FAM_NUMERIC, CMP_LT, false, false, false },
	[CONDOP_NUMERIC_LESS_THAN_EQUALS] = { "NumericLessThanEquals", FAM_NUMERIC, CMP_LE, false, false, false },
	[CONDOP_NUMERIC_GREATER_THAN] = { "NumericGreaterThan", FAM_NUMERIC, CMP_GT, false, false, false },
	[CONDOP_NUMERIC_GREATER_THAN_EQUALS] = { "NumericGreaterThanEquals", FAM_NUMERIC, CMP_GE, false, false, false },
	[CONDOP_DATE_EQUALS] = { "DateEquals", FAM_DATE, CMP_EQ, false, false, false },
	[CONDOP_DATE_NOT_EQUALS] = { "DateNotEquals", FAM_DATE, CMP_EQ, true, false, false },
	[CONDOP_DATE_LESS_THAN] = { "DateLessThan", FAM_DATE, CMP_LT, false, false, false },
	[CONDOP_DATE_LESS_THAN_EQUALS] = { "DateLessThanEquals", FAM_DATE, CMP_LE, false, false, false },
	[CONDOP_DATE_GREATER_THAN] = { "DateGreaterThan", FAM_DATE, CMP_GT, false, false, false },
	[CONDOP_DATE_GREATER_THAN_EQUALS] = { "DateGreaterThanEquals", FAM_DATE, CMP_GE, false, false, false },
	[CONDOP_BOOL] = { "Bool", FAM_BOOL, CMP_EQ, false, false, false },
	[CONDOP_BINARY_EQUALS] = { "BinaryEquals", FAM_BINARY, CMP_EQ, false, false, false },
	[CONDOP_IP_ADDRESS] = { "IpAddress", FAM_IP, CMP_EQ, false, false, false },
	[CONDOP_NOT_IP_ADDRESS] = { "NotIpAddress", FAM_IP, CMP_EQ, true, false, false },
	[CONDOP_ARN_EQUALS] = { "ArnEquals", FAM_ARN, CMP_EQ, false, false, false },
	[CONDOP_ARN_LIKE] = { "ArnLike", FAM_ARN, CMP_EQ, false, false, false },
	[CONDOP_ARN_NOT_EQUALS] = { "ArnNotEquals", FAM_ARN, CMP_EQ, true, false, false },
	[CONDOP_ARN_NOT_LIKE] = { "ArnNotLike", FAM_ARN, CMP_EQ, true, false, false },
	[CONDOP_NULL] = { "Null", FAM_NULL, CMP_NONE, false, false, false },
};

#define CONDOP_NKINDS (sizeof(condop_info) / sizeof(condop_info[0]))

static const char condop_any_prefix[] = "ForAnyValue:";
static const char condop_all_prefix[] = "ForAllValues:";
static const char condop_ifexists[] = "IfExists";

/* ---------------------------------------------------------------- values */

/* A decimal read in place: digits of the integer part without leading zeros
 * and of the fraction without trailing zeros, so comparison is exact. */
struct condop_num {
	bool neg;
	const char *ip;
	size_t il;
	const char *fp;
	size_t fl;
};

struct condop_time {
	int64_t sec;
	int32_t nsec;
};

struct condop_ip {
	uint8_t family;	/* 4 or 6 */
	uint8_t plen;
	uint8_t addr[16];
};

/* One value read for its family. For binary only the decoded length is kept
 * here; the bytes are compared by streaming the base64 text. */
struct condop_parsed {
	union {
		struct condop_num num;
		struct condop_time time;
		bool b;
		struct condop_ip ip;
		size_t binlen;
	} u;
};

struct condop_pval {
	struct condop_parsed p;
	unsigned char *bin;	/* decoded bytes for BinaryEquals; owned */
	size_t len;		/* strlen of the value */
	uint64_t hash;		/* condop_value_hash() of it */
};

struct condop_values {
	struct condop op;
	size_t n;
	char **strs;		/* owned copies of the policy's values */
	struct condop_pval *pv;	/* owned, n entries */
	/* No value holds a MATCH_ESC byte, so case-sensitive string equality
	 * is plain length + memcmp: the most common condition (StringEquals
	 * on a known key) then costs no byte-by-byte loop. */
	bool plain;
};

static bool
condop_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char
condop_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return c;
}

/* Equality where the policy side may carry MATCH_ESC before a literal
 * character (a substituted ${*}, ${?} or ${$}). */
static bool
condop_str_eq(const char *pattern, const char *text, bool nocase)
{
	const unsigned char *p = (const unsigned char *)pattern;
	const unsigned char *t = (const unsigned char *)text;

	for (;;) {
		unsigned char pc = *p, tc = *t;

		if (pc == (unsigned char)MATCH_ESC && p[1] != '\0')
			pc = *++p;
		if (nocase) {
			pc = condop_fold(pc);
			tc = condop_fold(tc);
		}
		if (pc != tc)
			return false;
		if (pc == '\0')
			return true;
		p++;
		t++;
	}
}

static bool
condop_bool_parse(const char *s, bool *out)
{
	const char *t = "true", *f = "false";
	size_t i;

	for (i = 0; t[i] != '\0' && condop_fold((unsigned char)s[i]) == (unsigned char)t[i]; i++)
		;
	if (t[i] == '\0' && s[i] == '\0') {
		*out = true;
		return true;
	}
	for (i = 0; f[i] != '\0' && condop_fold((unsigned char)s[i]) == (unsigned char)f[i]; i++)
		;
	if (f[i] == '\0' && s[i] == '\0') {
		*out = false;
		return true;
	}
	return false;
}

static bool
condop_num_parse(const char *s, size_t len, struct condop_num *n)
{
	size_t i = 0, start;

	memset(n, 0, sizeof(*n));
	if (i < len && (s[i] == '-' || s[i] == '+')) {
		n->neg = s[i] == '-';
		i++;
	}
	start = i;
	while (i < len && condop_isdigit(s[i]))
		i++;
	if (i == start)
		return false;
	n->ip = s + start;
	n->il = i - start;
	if (i < len && s[i] == '.') {
		size_t fstart = ++i;

		while (i < len && condop_isdigit(s[i]))
			i++;
		if (i == fstart)
			return false;
		n->fp = s + fstart;
		n->fl = i - fstart;
	}
	if (i != len)
		return false;
	while (n->il > 0 && n->ip[0] == '0') {
		n->ip++;
		n->il--;
	}
	while (n->fl > 0 && n->fp[n->fl - 1] == '0')
		n->fl--;
	if (n->il == 0 && n->fl == 0)
		n->neg = false;		/* -0 is 0 */
	return true;
}

static int
condop_num_cmp(const struct condop_num *a, const struct condop_num *b)
{
	int mag = 0;
	size_t fl;

	if (a->neg != b->neg)
		return a->neg ? -1 : 1;
	if (a->il != b->il) {
		mag = a->il < b->il ? -1 : 1;
	} else {
		int c = a->il == 0 ? 0 : memcmp(a->ip, b->ip, a->il);

		if (c != 0)
			mag = c < 0 ? -1 : 1;
	}
	fl = a->fl > b->fl ? a->fl : b->fl;
	for (size_t i = 0; mag == 0 && i < fl; i++) {
		char ca = i < a->fl ? a->fp[i] : '0';
		char cb = i < b->fl ? b->fp[i] : '0';

		if (ca != cb)
			mag = ca < cb ? -1 : 1;
	}
	return a->neg ? -mag : mag;
}

static bool
condop_fixed_digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!condop_isdigit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool
condop_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
condop_mdays(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && condop_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (y >= 0). */
static int64_t
condop_days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static bool
condop_date_parse(const char *s, size_t len, struct condop_time *t)
{
	size_t i = 0;
	int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, oh = 0, om = 0, osign = 0;
	int32_t ns = 0;
	bool all_digits = len > 0;

	for (size_t k = 0; k < len; k++)
		if (!condop_isdigit(s[k]))
			all_digits = false;
	if (all_digits) {
		uint64_t v = 0;

		/* 18 digits cannot overflow an int64_t. */
		if (len > 18)
			return false;
		for (size_t k = 0; k < len; k++)
			v = v * 10 + (uint64_t)(s[k] - '0');
		t->sec = (int64_t)v;
		t->nsec = 0;
		return true;
	}
	if (len < 7 || !condop_fixed_digits(s, 4, &y) || s[4] != '-' ||
	    !condop_fixed_digits(s + 5, 2, &mo))
		return false;
	i = 7;
	if (i < len && s[i] == '-') {
		if (len - i < 3 || !condop_fixed_digits(s + i + 1, 2, &d))
			return false;
		i += 3;
		if (i < len) {
			if (s[i] != 'T' || len - i < 6 || !condop_fixed_digits(s + i + 1, 2, &h) ||
			    s[i + 3] != ':' || !condop_fixed_digits(s + i + 4, 2, &mi))
				return false;
			i += 6;
			if (i < len && s[i] == ':') {
				if (len - i < 3 || !condop_fixed_digits(s + i + 1, 2, &sec))
					return false;
				i += 3;
				if (i < len && s[i] == '.') {
					size_t fstart = ++i;
					int32_t scale = 100000000;

					while (i < len && condop_isdigit(s[i])) {
						ns += (int32_t)(s[i] - '0') * scale;
						scale /= 10;
						i++;
					}
					if (i == fstart)
						return false;
				}
			}
			if (i < len && s[i] == 'Z') {
				i++;
			} else if (i < len && (s[i] == '+' || s[i] == '-')) {
				osign = s[i] == '+' ? 1 : -1;
				if (len - i < 6 || !condop_fixed_digits(s + i + 1, 2, &oh) ||
				    s[i + 3] != ':' || !condop_fixed_digits(s + i + 4, 2, &om))
					return false;
				i += 6;
			}
		}
	}
	if (i != len)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > condop_mdays(y, mo) || h > 23 || mi > 59 ||
	    sec > 59 || oh > 23 || om > 59)
		return false;
	t->sec = condop_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    (int64_t)osign * (oh * 3600 + om * 60);
	t->nsec = ns;
	return true;
}

static int
condop_time_cmp(const struct condop_time *a, const struct condop_time *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->nsec != b->nsec)
		return a->nsec < b->nsec ? -1 : 1;
	return 0;
}

static int
condop_b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 with optional padding; returns the decoded length. */
static bool
condop_b64_check(const char *s, size_t len, size_t *outlen)
{
	size_t data = len, pad = 0;

	while (data > 0 && s[data - 1] == '=' && pad < 2) {
		data--;
		pad++;
	}
	if (data % 4 == 1 || (pad > 0 && len % 4 != 0))
		return false;
	for (size_t i = 0; i < data; i++)
		if (condop_b64_val((unsigned char)s[i]) < 0)
			return false;
	*outlen = data / 4 * 3 + (data % 4 == 0 ? 0 : data % 4 - 1);
	return true;
}

/* Streams the bytes of checked base64 text without a buffer. */
struct condop_b64r {
	const char *s;
	size_t len, pos;
	unsigned int acc;
	int bits;
};

static int
condop_b64r_next(struct condop_b64r *r)
{
	while (r->bits < 8) {
		int v;

		if (r->pos >= r->len || r->s[r->pos] == '=')
			return -1;
		v = condop_b64_val((unsigned char)r->s[r->pos++]);
		r->acc = ((r->acc << 6) | (unsigned int)v) & 0xffffu;
		r->bits += 6;
	}
	r->bits -= 8;
	return (int)((r->acc >> r->bits) & 0xffu);
}

/* An address or (policy side only) CIDR. IPv4-mapped IPv6 becomes IPv4. */
static bool
condop_ip_parse(const char *s, size_t len, bool allow_prefix, struct condop_ip *ip)
{
	char buf[CONDOP_IP_TEXT_MAX];
	char *slash;
	int prefix = -1;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(ip, 0, sizeof(*ip));
	slash = strchr(buf, '/');
	if (slash != NULL) {
		const char *p = slash + 1;
		size_t pl = strlen(p);

		if (!allow_prefix || pl == 0 || pl > 3 || !condop_fixed_digits(p, pl, &prefix))
			return false;
		*slash = '\0';
	}
	if (strchr(buf, ':') != NULL) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		if (inet_pton(AF_INET6, buf, ip->addr) != 1 || prefix > 128)
			return false;
		ip->family = 6;
		ip->plen = (uint8_t)(prefix < 0 ? 128 : prefix);
		if (memcmp(ip->addr, mapped, sizeof(mapped)) == 0 && ip->plen >= 96) {
			memmove(ip->addr, ip->addr + 12, 4);
			memset(ip->addr + 4, 0, 12);
			ip->family = 4;
			ip->plen = (uint8_t)(ip->plen - 96);
		}
		return true;
	}
	if (inet_pton(AF_INET, buf, ip->addr) != 1 || prefix > 32)
		return false;
	ip->family = 4;
	ip->plen = (uint8_t)(prefix < 0 ? 32 : prefix);
	return true;
}

static bool
condop_ip_in(const struct condop_ip *net, const struct condop_ip *a)
{
	unsigned int full, rest;

	if (net->family != a->family)
		return false;
	full = net->plen / 8u;
	rest = net->plen % 8u;
	if (memcmp(net->addr, a->addr, full) != 0)
		return false;
	if (rest != 0) {
		uint8_t mask = (uint8_t)(0xffu << (8 - rest));

		if ((net->addr[full] & mask) != (a->addr[full] & mask))
			return false;
	}
	return true;
}

/* Read one value for its family; policy values may be CIDRs. */
static bool
condop_parse_value(enum condop_family fam, const char *s, bool policy_side,
    struct condop_parsed *out)
{
	size_t len;

	if (fam == FAM_STRING || fam == FAM_ARN)
		return true;
	len = strlen(s);
	switch (fam) {
	case FAM_NUMERIC:
		return condop_num_parse(s, len, &out->u.num);
	case FAM_DATE:
		return condop_date_parse(s, len, &out->u.time);
	case FAM_BOOL:
	case FAM_NULL:
		return condop_bool_parse(s, &out->u.b);
	case FAM_BINARY:
		return condop_b64_check(s, len, &out->u.binlen);
	case FAM_IP:
		return condop_ip_parse(s, len, policy_side, &out->u.ip);
	case FAM_STRING:
	case FAM_ARN:
		return true;
	}
	return false;
}

static bool
condop_order_holds(enum condop_cmp cmp, int c)
{
	switch (cmp) {
	case CMP_EQ:
		return c == 0;
	case CMP_LT:
		return c < 0;
	case CMP_LE:
		return c <= 0;
	case CMP_GT:
		return c > 0;
	case CMP_GE:
		return c >= 0;
	case CMP_NONE:
		break;
	}
	return false;
}

/*
 * The un-negated comparison of one request value with one policy value,
 * both already read. pbytes are the policy's decoded bytes for BinaryEquals
 * when compiled (NULL: stream the policy text instead).
 */
static bool
condop_positive(const struct condop_info *in, const char *ps, const struct condop_parsed *pp,
    const unsigned char *pbytes, const char *rs, const struct condop_parsed *rp)
{
	switch (in->family) {
	case FAM_STRING:
		if (in->like)
			return match_glob(ps, rs, false);
		return condop_str_eq(ps, rs, in->nocase);
	case FAM_ARN:
		return match_arn(ps, rs);
	case FAM_NUMERIC:
		return condop_order_holds(in->cmp, condop_num_cmp(&rp->u.num, &pp->u.num));
	case FAM_DATE:
		return condop_order_holds(in->cmp, condop_time_cmp(&rp->u.time, &pp->u.time));
	case FAM_BOOL:
		return rp->u.b == pp->u.b;
	case FAM_IP:
		return condop_ip_in(&pp->u.ip, &rp->u.ip);
	case FAM_BINARY: {
		struct condop_b64r rr = { rs, strlen(rs), 0, 0, 0 };
		struct condop_b64r pr = { ps, strlen(ps), 0, 0, 0 };

		if (rp->u.binlen != pp->u.binlen)
			return false;
		for (size_t i = 0; i < pp->u.binlen; i++) {
			int pb = pbytes != NULL ? pbytes[i] : condop_b64r_next(&pr);

			if (pb != condop_b64r_next(&rr))
				return false;
		}
		return true;
	}
	case FAM_NULL:
		break;
	}
	return false;
}

/* ------------------------------------------------------- set semantics */

/* Does one request value satisfy the operator against all policy values? */
typedef bool (*condop_holds_fn)(const void *ctx, const char *req);

static bool
condop_null_dataset(const char *const *req, size_t nreq)
{
	return nreq == 0 || (nreq == 1 && req[0] != NULL && req[0][0] == '\0');
}

static bool
condop_decide(const struct condop *op, bool present, const char *const *req, size_t nreq,
    condop_holds_fn holds, const void *ctx)
{
	if (nreq > 0 && req == NULL)
		return false;
	if (!present) {
		if (op->if_exists)
			return true;
		switch (op->set) {
		case CONDOP_SET_FOR_ANY_VALUE:
			return false;
		case CONDOP_SET_FOR_ALL_VALUES:
			return true;
		case CONDOP_SET_NONE:
			break;
		}
		return condop_info[op->kind].negated;
	}
	switch (op->set) {
	case CONDOP_SET_NONE:
		/* Multivalued keys require a set operator; see the file comment. */
		return nreq == 1 && holds(ctx, req[0]);
	case CONDOP_SET_FOR_ANY_VALUE:
		if (condop_null_dataset(req, nreq))
			return false;
		for (size_t i = 0; i < nreq; i++)
			if (holds(ctx, req[i]))
				return true;
		return false;
	case CONDOP_SET_FOR_ALL_VALUES:
		if (condop_null_dataset(req, nreq))
			return true;
		for (size_t i = 0; i < nreq; i++)
			if (!holds(ctx, req[i]))
				return false;
		return true;
	}
	return false;
}

static bool
condop_null_holds(bool present, const char *const *req, size_t nreq, bool want_null)
{
	bool is_null = !present || (nreq > 0 && req == NULL) || condop_null_dataset(req, nreq);

	return is_null == want_null;
}

static bool
condop_valid(const struct condop *op)
{
	if (op == NULL || (unsigned int)op->kind >= CONDOP_NKINDS)
		return false;
	if (op->set != CONDOP_SET_NONE && op->set != CONDOP_SET_FOR_ANY_VALUE &&
	    op->set != CONDOP_SET_FOR_ALL_VALUES)
		return false;
	return true;
}

/* ------------------------------------------------------------- compiled */

struct condop_compiled_ctx {
	const struct condop_info *in;
	const struct condop_values *pv;
};

static bool
condop_holds_compiled(const void *vctx, const char *req)
{
	const struct condop_compiled_ctx *ctx = vctx;
	struct condop_parsed rp;
	bool any = false;

	if (req != NULL && ctx->in->family == FAM_STRING && !ctx->in->like && !ctx->in->nocase &&
	    ctx->pv->plain) {
		size_t rl = strlen(req);

		for (size_t i = 0; i < ctx->pv->n && !any; i++)
			any = ctx->pv->pv[i].len == rl && memcmp(ctx->pv->strs[i], req, rl) == 0;
		return ctx->in->negated ? !any : any;
	}
	if (req == NULL || !condop_parse_value(ctx->in->family, req, false, &rp))
		return false;
	for (size_t i = 0; i < ctx->pv->n && !any; i++)
		any = condop_positive(ctx->in, ctx->pv->strs[i], &ctx->pv->pv[i].p,
		    ctx->pv->pv[i].bin, req, &rp);
	return ctx->in->negated ? !any : any;
}

bool
condop_eval(const struct condop *op, const struct condop_values *pv,
    bool present, const char *const *req, size_t nreq)
{
	struct condop_compiled_ctx ctx;

	if (!condop_valid(op) || pv == NULL ||
	    condop_info[op->kind].family != condop_info[pv->op.kind].family)
		return false;
	if (op->kind == CONDOP_NULL) {
		for (size_t i = 0; i < pv->n; i++)
			if (condop_null_holds(present, req, nreq, pv->pv[i].p.u.b))
				return true;
		return false;
	}
	ctx.in = &condop_info[op->kind];
	ctx.pv = pv;
	/* The common case, a single-valued key present in the request, goes
	 * straight to the comparison: condop_decide would do the same. */
	if (op->set == CONDOP_SET_NONE && present && nreq == 1 && req != NULL)
		return condop_holds_compiled(&ctx, req[0]);
	return condop_decide(op, present, req, nreq, condop_holds_compiled, &ctx);
}

uint64_t
condop_value_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

bool
condop_eval_one(const struct condop *op, const struct condop_values *pv,
    const char *val, size_t len, uint64_t hash)
{
	const struct condop_info *in;
	bool any = false;

	if (!condop_valid(op) || pv == NULL || val == NULL)
		return condop_eval(op, pv, true, &val, 1);
	in = &condop_info[op->kind];
	if (op->set != CONDOP_SET_NONE || in->family != FAM_STRING || in->like || in->nocase ||
	    !pv->plain || condop_info[pv->op.kind].family != FAM_STRING)
		return condop_eval(op, pv, true, &val, 1);
	/* Equal strings have equal hashes: memcmp only confirms a match. */
	for (size_t i = 0; i < pv->n && !any; i++)
		any = pv->pv[i].hash == hash && pv->pv[i].len == len &&
		    memcmp(pv->strs[i], val, len) == 0;
	return in->negated ? !any : any;
}

/* ------------------------------------------------------------ on the fly */

struct condop_strings_ctx {
	const struct condop_info *in;
	const char *const *vals;
	size_t nvals;
};

static bool
condop_holds_strings(const void *vctx, const char *req)
{
	const struct condop_strings_ctx *ctx = vctx;
	struct condop_parsed rp, pp;
	bool any = false;

	if (req == NULL || !condop_parse_value(ctx->in->family, req, false, &rp))
		return false;
	for (size_t i = 0; i < ctx->nvals && !any; i++) {
		const char *v = ctx->vals[i];

		/* A policy value that cannot be read matches nothing; nor does
		 * one condop_values_new would refuse as too long. */
		if (v == NULL || strnlen(v, CONDOP_MAX_VALUE_LEN + 1) > CONDOP_MAX_VALUE_LEN ||
		    !condop_parse_value(ctx->in->family, v, true, &pp))
			continue;
		any = condop_positive(ctx->in, v, &pp, NULL, req, &rp);
	}
	return ctx->in->negated ? !any : any;
}

bool
condop_eval_strings(const struct condop *op, const char *const *vals,
    size_t nvals, bool present, const char *const *req, size_t nreq)
{
	struct condop_strings_ctx ctx;

	if (!condop_valid(op) || (nvals > 0 && vals == NULL))
		return false;
	if (op->kind == CONDOP_NULL) {
		for (size_t i = 0; i < nvals; i++) {
			bool want;

			if (vals[i] != NULL && condop_bool_parse(vals[i], &want) &&
			    condop_null_holds(present, req, nreq, want))
				return true;
		}
		return false;
	}
	ctx.in = &condop_info[op->kind];
	ctx.vals = vals;
	ctx.nvals = nvals;
	return condop_decide(op, present, req, nreq, condop_holds_strings, &ctx);
}

/* ----------------------------------------------------------------- names */

bool
condop_takes_policy_variables(enum condop_kind kind)
{
	if ((unsigned int)kind >= CONDOP_NKINDS)
		return false;
	switch (condop_info[kind].family) {
	case FAM_STRING:
	case FAM_BOOL:
	case FAM_ARN:
		return true;
	case FAM_NUMERIC:
	case FAM_DATE:
	case FAM_BINARY:
	case FAM_IP:
	case FAM_NULL:
		break;
	}
	return false;
}

bool
condop_is_negated(enum condop_kind kind)
{
	return (unsigned int)kind < CONDOP_NKINDS && condop_info[kind].negated;
}

size_t
condop_format(const struct condop *op, char *out, size_t outlen)
{
	const char *prefix = "", *name = "?";
	int n;

	if (op != NULL && (unsigned int)op->kind < CONDOP_NKINDS)
		name = condop_info[op->kind].name;
	if (op != NULL && op->set == CONDOP_SET_FOR_ANY_VALUE)
		prefix = condop_any_prefix;
	else if (op != NULL && op->set == CONDOP_SET_FOR_ALL_VALUES)
		prefix = condop_all_prefix;
	n = snprintf(out, outlen, "%s%s%s", prefix, name,
	    op != NULL && op->if_exists ? condop_ifexists : "");
	return n < 0 ? 0 : (size_t)n;
}

/* A name or value as it may appear in a message: printable ASCII only, and
 * short, since it comes from a policy document nobody vetted. */
static void
condop_quote(const char *s, char *out, size_t outlen)
{
	size_t o = 0, i, max = outlen > 8 ? outlen - 4 : 0;

	for (i = 0; s[i] != '\0' && o < max; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
	}
	if (s[i] != '\0' && outlen >= 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	if (outlen > 0)
		out[o] = '\0';
}

/* Case-insensitive edit distance, for the did-you-mean. Both strings are at
 * most CONDOP_NAME_MAX long. */
static size_t
condop_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[CONDOP_NAME_MAX + 1];

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = condop_fold((unsigned char)a[i - 1]) ==
			    condop_fold((unsigned char)b[j - 1]) ? 0 : 1;
			size_t best = diag + cost;

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The valid operator name nearest to name, or false if none is near. */
static bool
condop_suggest(const char *name, char *out, size_t outlen)
{
	static const char *const prefixes[] = { "", condop_any_prefix, condop_all_prefix };
	size_t len = strlen(name), best = (size_t)-1;
	size_t limit = 1 + len / 8;

	if (len > CONDOP_NAME_MAX)
		return false;
	if (limit > 3)
		limit = 3;
	for (size_t p = 0; p < 3; p++) {
		for (size_t k = 0; k < CONDOP_NKINDS; k++) {
			for (int ie = 0; ie < 2; ie++) {
				char cand[CONDOP_NAME_MAX + 1];
				size_t d;

				if (k == CONDOP_NULL && (p != 0 || ie != 0))
					continue;
				snprintf(cand, sizeof(cand), "%s%s%s", prefixes[p], condop_info[k].name,
				    ie ? condop_ifexists : "");
				d = condop_distance(name, cand);
				if (d < best) {
					best = d;
					snprintf(out, outlen, "%s", cand);
				}
			}
		}
	}
	return best <= limit;
}

int
condop_parse(const char *name, struct condop *out, struct err *e)
{
	struct condop op = { CONDOP_STRING_EQUALS, CONDOP_SET_NONE, false };
	char shown[CONDOP_NAME_MAX + 8], hint[CONDOP_NAME_MAX + 1];
	const char *base;
	size_t blen, sfx = sizeof(condop_ifexists) - 1;
	bool found = false;

	if (name == NULL) {
		err_set(e, "condition operator: missing name");
		return -1;
	}
	condop_quote(name, shown, sizeof(shown));
	base = name;
	if (strncmp(base, condop_any_prefix, sizeof(condop_any_prefix) - 1) == 0) {
		op.set = CONDOP_SET_FOR_ANY_VALUE;
		base += sizeof(condop_any_prefix) - 1;
	} else if (strncmp(base, condop_all_prefix, sizeof(condop_all_prefix) - 1) == 0) {
		op.set = CONDOP_SET_FOR_ALL_VALUES;
		base += sizeof(condop_all_prefix) - 1;
	}
	blen = strnlen(base, CONDOP_NAME_MAX + 1);
	if (blen > sfx && strcmp(base + blen - sfx, condop_ifexists) == 0) {
		op.if_exists = true;
		blen -= sfx;
	}
	for (size_t k = 0; k < CONDOP_NKINDS && !found; k++) {
		if (strlen(condop_info[k].name) == blen &&
		    strncmp(condop_info[k].name, base, blen) == 0) {
			op.kind = (enum condop_kind)k;
			found = true;
		}
	}
	if (found && base[blen + (op.if_exists ? sfx : 0)] != '\0')
		found = false;	/* longer than CONDOP_NAME_MAX: cannot be a name */
	if (!found) {
		if (condop_suggest(name, hint, sizeof(hint)))
			err_set(e, "unknown condition operator \"%s\" (did you mean \"%s\"?%s)", shown, hint,
			    strcasecmp(name, hint) == 0 ? " operator names are case-sensitive" : "");
		else
			err_set(e, "unknown condition operator \"%s\"", shown);
		return -1;
	}
	if (op.kind == CONDOP_NULL && op.if_exists) {
		err_set(e, "condition operator \"%s\": Null cannot take IfExists (AWS allows IfExists on every operator except Null); use \"Null\"",
		    shown);
		return -1;
	}
	if (op.kind == CONDOP_NULL && op.set != CONDOP_SET_NONE) {
		err_set(e, "condition operator \"%s\": Null tests whether the key exists and takes no ForAnyValue:/ForAllValues: qualifier; use \"Null\"",
		    shown);
		return -1;
	}
	if (out != NULL)
		*out = op;
	return 0;
}

/* ------------------------------------------------------ compiled values */

static const char *
condop_family_expect(enum condop_family fam)
{
	switch (fam) {
	case FAM_NUMERIC:
		return "a number (an integer or decimal such as \"10\", \"10.5\" or \"-3\")";
	case FAM_DATE:
		return "a date (ISO 8601 such as \"2020-01-01T00:00:00Z\", or epoch seconds such as \"1577836800\")";
	case FAM_BOOL:
	case FAM_NULL:
		return "\"true\" or \"false\"";
	case FAM_BINARY:
		return "base64 text";
	case FAM_IP:
		return "an IPv4 or IPv6 address or CIDR block (such as \"203.0.113.0/24\" or \"2001:db8::/32\")";
	case FAM_STRING:
	case FAM_ARN:
		break;
	}
	return "a string";
}

void
condop_values_free(struct condop_values *pv)
{
	if (pv == NULL)
		return;
	for (size_t i = 0; i < pv->n; i++) {
		if (pv->strs != NULL)
			free(pv->strs[i]);
		if (pv->pv != NULL)
			free(pv->pv[i].bin);
	}
	free(pv->strs);
	free(pv->pv);
	free(pv);
}

static bool
condop_b64_decode(const char *s, size_t n, unsigned char *out)
{
	struct condop_b64r r = { s, strlen(s), 0, 0, 0 };

	for (size_t i = 0; i < n; i++) {
		int b = condop_b64r_next(&r);

		if (b < 0)
			return false;
		out[i] = (unsigned char)b;
	}
	return true;
}

struct condop_values *
condop_values_new(const struct condop *op, const char *const *vals, size_t nvals, struct err *e)
{
	struct condop_values *pv = NULL;
	char opname[CONDOP_NAME_MAX + 1];
	const struct condop_info *in;
	size_t slots;

	if (!condop_valid(op)) {
		err_set(e, "condition values: invalid operator");
		goto fail;
	}
	in = &condop_info[op->kind];
	condop_format(op, opname, sizeof(opname));
	if (op->kind == CONDOP_NULL && (op->if_exists || op->set != CONDOP_SET_NONE)) {
		err_set(e, "condition operator %s: Null takes no IfExists or set qualifier", opname);
		goto fail;
	}
	if (nvals > CONDOP_MAX_VALUES) {
		err_set(e, "condition operator %s: %zu values, more than the %d allowed", opname, nvals,
		    CONDOP_MAX_VALUES);
		goto fail;
	}
	if (nvals > 0 && vals == NULL) {
		err_set(e, "condition operator %s: values missing", opname);
		goto fail;
	}
	slots = nvals > 0 ? nvals : 1;
	pv = calloc(1, sizeof(*pv));
	if (pv == NULL)
		goto nomem;
	pv->op = *op;
	pv->plain = true;
	pv->strs = calloc(slots, sizeof(*pv->strs));
	pv->pv = calloc(slots, sizeof(*pv->pv));
	if (pv->strs == NULL || pv->pv == NULL)
		goto nomem;
	for (size_t i = 0; i < nvals; i++) {
		char shown[80];
		size_t len;

		if (vals[i] == NULL) {
			err_set(e, "condition operator %s: value %zu is missing", opname, i + 1);
			goto fail;
		}
		len = strnlen(vals[i], CONDOP_MAX_VALUE_LEN + 1);
		condop_quote(vals[i], shown, sizeof(shown));
		if (len > CONDOP_MAX_VALUE_LEN) {
			err_set(e, "condition operator %s: value \"%s\" is longer than %d bytes", opname,
			    shown, CONDOP_MAX_VALUE_LEN);
			goto fail;
		}
		pv->strs[i] = strdup(vals[i]);
		if (pv->strs[i] == NULL)
			goto nomem;
		pv->n = i + 1;
		pv->pv[i].len = len;
		pv->pv[i].hash = condop_value_hash(vals[i], len);
		if (memchr(vals[i], MATCH_ESC, len) != NULL)
			pv->plain = false;
		/* Parse the owned copy: a number keeps pointers into it. */
		if (!condop_parse_value(in->family, pv->strs[i], true, &pv->pv[i].p)) {
			err_set(e, "condition operator %s: value \"%s\" is not %s", opname, shown,
			    condop_family_expect(in->family));
			goto fail;
		}
		if (in->family == FAM_BINARY) {
			size_t bl = pv->pv[i].p.u.binlen;

			pv->pv[i].bin = malloc(bl > 0 ? bl : 1);
			if (pv->pv[i].bin == NULL)
				goto nomem;
			if (!condop_b64_decode(pv->strs[i], bl, pv->pv[i].bin)) {
				err_set(e, "condition operator %s: value \"%s\" is not %s", opname, shown,
				    condop_family_expect(in->family));
				goto fail;
			}
		}
	}
	return pv;
nomem:
	err_set(e, "condition values: out of memory");
fail:
	condop_values_free(pv);
	return NULL;
}

size_t
condop_values_count(const struct condop_values *pv)
{
	return pv == NULL ? 0 : pv->n;
}

const char *
condop_values_get(const struct condop_values *pv, size_t i)
{
	if (pv == NULL || i >= pv->n)
		return NULL;
	return pv->strs[i];
}
