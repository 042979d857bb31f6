#include "config.h"

#include "aws/query.h"

#include <stdio.h>
#include <string.h>

#include "aws/uri.h"

static int
query_put(struct buf *body, const char *name, const char *value, struct err *e)
{
	if ((body->len > 0 && buf_putc(body, '&') != 0) ||
	    uri_encode(body, name, strlen(name), false) != 0 ||
	    buf_putc(body, '=') != 0 ||
	    uri_encode(body, value, strlen(value), false) != 0) {
		err_set(e, "query request body too large or out of memory (at %.64s)", name);
		return -1;
	}
	return 0;
}

int
query_build(struct buf *body, const char *action, const char *version,
    const struct query_param *params, size_t nparams, struct err *e)
{
	size_t i;

	if (query_put(body, "Action", action, e) != 0 || query_put(body, "Version", version, e) != 0)
		return -1;
	for (i = 0; i < nparams; i++) {
		if (params[i].name == NULL || params[i].value == NULL) {
			err_set(e, "query parameter %zu of %s has no name or value", i, action);
			return -1;
		}
		if (query_put(body, params[i].name, params[i].value, e) != 0)
			return -1;
	}
	return 0;
}

int
query_parse_response(enum aws_protocol proto, const char *body, size_t len,
    const char *action, const struct xml_limits *lim, struct xml_doc **doc,
    const struct xml_node **result, char *request_id, size_t request_id_size, struct err *e)
{
	char name[160];
	const struct xml_node *root, *res;
	const char *rid;

	*doc = NULL;
	*result = NULL;
	if (xml_parse(body, len, lim, doc, e) != 0) {
		err_prefix(e, "%s response", action);
		return -1;
	}
	root = (*doc)->root;
	snprintf(name, sizeof(name), "%sResponse", action);
	if (strcmp(root->name, name) != 0) {
		err_set(e, "%s response: unexpected root element <%.64s> (expected <%s>)", action,
		    root->name, name);
		goto fail;
	}
	if (proto == AWS_PROTO_EC2) {
		res = root;
		rid = xml_path_text(root, "requestId");
	} else {
		snprintf(name, sizeof(name), "%sResult", action);
		res = xml_child(root, name);
		rid = xml_path_text(root, "ResponseMetadata/RequestId");
		/* Operations with no output members send an empty or no Result. */
		if (res == NULL)
			res = root;
	}
	if (request_id != NULL && request_id_size > 0)
		snprintf(request_id, request_id_size, "%s", rid != NULL ? rid : "");
	*result = res;
	return 0;
fail:
	xml_free(*doc);
	*doc = NULL;
	return -1;
}

static int
query_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long
query_days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
query_parse_time(const char *s, unsigned flags, time_t *out, struct err *e)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool relaxed = (flags & QUERY_TIME_RELAXED) != 0;
	const char *p = s;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	long long t;

	if (s == NULL)
		goto bad;
	if (query_digits(&p, 4, &y) || *p++ != '-' || query_digits(&p, 2, &mo) || *p++ != '-' ||
	    query_digits(&p, 2, &d) || (*p != 'T' && *p != 't' && !(relaxed && *p == ' ')) ||
	    (p++, query_digits(&p, 2, &h)) || *p++ != ':' || query_digits(&p, 2, &mi) ||
	    *p++ != ':' || query_digits(&p, 2, &sec))
		goto bad;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (query_digits(&p, 2, &oh))
			goto bad;
		if (*p == ':')
			p++;
		else if (!relaxed)
			goto bad;
		if (query_digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
	} else {
		goto bad;
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    sec > 60)
		goto bad;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		goto bad;
	t = query_days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec;
	t -= sign * (oh * 3600LL + om * 60LL);
	*out = (time_t)t;
	return 0;
bad:
	err_set(e, "invalid timestamp \"%.40s\" (expected ISO 8601 like 2024-05-20T08:15:30Z)",
	    s != NULL ? s : "");
	return -1;
}

int
query_parse_timestamp(const char *s, time_t *out, struct err *e)
{
	return query_parse_time(s, 0, out, e);
}

int
query_parse_bool(const char *s, bool *out, struct err *e)
{
	if (s != NULL && strcmp(s, "true") == 0) {
		*out = true;
		return 0;
	}
	if (s != NULL && strcmp(s, "false") == 0) {
		*out = false;
		return 0;
	}
	err_set(e, "invalid boolean \"%.20s\" (expected true or false)", s != NULL ? s : "");
	return -1;
}
