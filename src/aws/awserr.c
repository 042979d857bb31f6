#include "config.h"

#include "aws/awserr.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "aws/retry.h"
#include "aws/xml.h"

static const char *const awserr_credential_codes[] = {
	"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
	"UnrecognizedClientException", "SignatureDoesNotMatch", "InvalidSignatureException",
	"AuthFailure", "IncompleteSignature", "IncompleteSignatureException",
	"MissingAuthenticationToken", "MissingAuthenticationTokenException",
	"InvalidAccessKeyId", "InvalidToken", "RequestExpired",
};

void
awserr_clear(struct awserr *a)
{
	memset(a, 0, sizeof(*a));
}

void
awserr_set_api(struct awserr *a, const char *service, const char *operation)
{
	snprintf(a->api, sizeof(a->api), "%s:%s", service, operation);
}

/* Truncating copy: AWS messages can be longer than we keep. */
static void
awserr_copy(char *dst, size_t n, const char *src)
{
	size_t len = src != NULL ? strnlen(src, n - 1) : 0;

	if (src == dst)
		return;
	if (len > 0)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

void
awserr_set(struct awserr *a, long status, const char *code, const char *message,
    const char *request_id, unsigned flags)
{
	a->http_status = status;
	awserr_copy(a->code, sizeof(a->code), code);
	awserr_copy(a->message, sizeof(a->message), message);
	awserr_copy(a->request_id, sizeof(a->request_id), request_id);
	a->flags = flags;
}

void
awserr_json_code(const char *raw, char *out, size_t n)
{
	const char *start, *hash;
	size_t len;

	if (n == 0)
		return;
	out[0] = '\0';
	if (raw == NULL)
		return;
	/* The ':' that starts a URI suffix comes after any namespace, so cut it first. */
	len = strcspn(raw, ":");
	start = raw;
	for (hash = raw; hash < raw + len; hash++)
		if (*hash == '#')
			start = hash + 1;
	len -= (size_t)(start - raw);
	while (len > 0 && (*start == ' ' || *start == '\t')) {
		start++;
		len--;
	}
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(out, start, len);
	out[len] = '\0';
}

void
awserr_classify(struct awserr *a)
{
	size_t i;

	a->flags &= AWSERR_TRANSPORT | AWSERR_MALFORMED;
	if (a->flags & AWSERR_TRANSPORT)
		return;	/* the client decides whether a network failure was transient */
	if (a->http_status == 429 || retry_is_throttle_code(a->code))
		a->flags |= AWSERR_THROTTLE | AWSERR_RETRYABLE;
	if (a->http_status == 500 || a->http_status == 502 || a->http_status == 503 ||
	    a->http_status == 504)
		a->flags |= AWSERR_RETRYABLE;
	for (i = 0; i < sizeof(awserr_credential_codes) / sizeof(awserr_credential_codes[0]); i++)
		if (strcmp(a->code, awserr_credential_codes[i]) == 0)
			a->flags |= AWSERR_CREDENTIAL;
	/* EC2 says RequestExpired both for expired session credentials and for
	 * a request dated too far back; fresh credentials and a new signature
	 * (with a new date) cure either, so both count as expired. */
	if (strcmp(a->code, "ExpiredToken") == 0 || strcmp(a->code, "ExpiredTokenException") == 0 ||
	    strcmp(a->code, "RequestExpired") == 0)
		a->flags |= AWSERR_EXPIRED;
	if (strncmp(a->code, "AccessDenied", 12) == 0 || strcmp(a->code, "UnauthorizedOperation") == 0)
		a->flags |= AWSERR_ACCESS_DENIED;
}

/* query and ec2 share the XML error shapes closely enough to accept both for
 * either protocol: a server behind a proxy can answer either way. As
 * botocore's QueryParser does, the root's name does not matter: its Error
 * child, or the Error in its Errors child (<ErrorResponse><Errors><Error>
 * as well as EC2's <Response><Errors><Error>); a root <Error> is the error
 * itself. */
static int
awserr_parse_xml(struct awserr *a, const char *body, size_t len, struct err *e)
{
	struct xml_limits lim;
	struct xml_doc *doc = NULL;
	const struct xml_node *root, *error;
	const char *s;
	int rc = -1;

	xml_limits_default(&lim);
	lim.max_bytes = 1 << 20;
	if (xml_parse(body, len, &lim, &doc, e) != 0)
		goto out;
	root = doc->root;
	if (strcmp(root->name, "Error") == 0)
		error = root;
	else if ((error = xml_child(root, "Error")) == NULL)
		error = xml_path(root, "Errors/Error");
	s = xml_path_text(error, "Code");
	if (s == NULL || s[0] == '\0') {
		err_set(e, "no Error/Code in <%.40s>", root->name);
		goto out;
	}
	awserr_copy(a->code, sizeof(a->code), s);
	awserr_copy(a->message, sizeof(a->message), xml_path_text(error, "Message"));
	if ((s = xml_path_text(root, "RequestId")) != NULL ||
	    (s = xml_path_text(root, "RequestID")) != NULL ||
	    (s = xml_path_text(root, "ResponseMetadata/RequestId")) != NULL)
		awserr_copy(a->request_id, sizeof(a->request_id), s);
	rc = 0;
out:
	xml_free(doc);
	return rc;
}

static int
awserr_parse_json(struct awserr *a, const char *body, size_t len, const char *hdr_errortype,
    struct err *e)
{
	cJSON *root = NULL;
	const cJSON *v;
	int rc = -1;

	if (hdr_errortype != NULL && hdr_errortype[0] != '\0')
		awserr_json_code(hdr_errortype, a->code, sizeof(a->code));
	if (len == 0) {
		if (a->code[0] != '\0')
			rc = 0;
		else
			err_set(e, "empty error body without X-Amzn-Errortype");
		goto out;
	}
	root = cJSON_ParseWithLength(body, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		err_set(e, "error body is not a JSON object");
		goto out;
	}
	/* Header first, then a top-level "code", then "__type" (smithy's order);
	 * nested "__type" members belong to error details and are ignored. */
	if (a->code[0] == '\0') {
		v = cJSON_GetObjectItemCaseSensitive(root, "code");
		if (!cJSON_IsString(v))
			v = cJSON_GetObjectItemCaseSensitive(root, "__type");
		if (cJSON_IsString(v))
			awserr_json_code(v->valuestring, a->code, sizeof(a->code));
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "message");
	if (!cJSON_IsString(v))
		v = cJSON_GetObjectItemCaseSensitive(root, "Message");
	if (cJSON_IsString(v))
		awserr_copy(a->message, sizeof(a->message), v->valuestring);
	if (a->code[0] == '\0') {
		err_set(e, "JSON error body has no __type or code");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

int
awserr_parse(struct awserr *a, enum aws_protocol proto, long status, const char *body,
    size_t len, const char *hdr_errortype, const char *hdr_request_id)
{
	struct err why;
	int rc;

	err_clear(&why);
	a->http_status = status;
	a->code[0] = '\0';
	a->message[0] = '\0';
	a->request_id[0] = '\0';
	a->flags = 0;
	if (body == NULL)
		len = 0;
	if (proto == AWS_PROTO_JSON) {
		rc = awserr_parse_json(a, body, len, hdr_errortype, &why);
	} else if (len == 0) {
		err_set(&why, "empty error body");
		rc = -1;
	} else {
		rc = awserr_parse_xml(a, body, len, &why);
	}
	if (a->request_id[0] == '\0' && hdr_request_id != NULL)
		awserr_copy(a->request_id, sizeof(a->request_id), hdr_request_id);
	if (rc != 0) {
		a->flags |= AWSERR_MALFORMED;
		if (a->code[0] == '\0')
			awserr_copy(a->code, sizeof(a->code), "Unknown");
		char msg[AWSERR_MSG_MAX];

		if ((size_t)snprintf(msg, sizeof(msg), "unparseable error response (%s)", why.msg) >=
		    sizeof(msg))
			msg[sizeof(msg) - 2] = ')';
		awserr_copy(a->message, sizeof(a->message), msg);
	}
	awserr_classify(a);
	return rc;
}

int
awserr_format(const struct awserr *a, char *out, size_t n)
{
	char id[AWSERR_ID_MAX + 16] = "";
	char status[32];

	if (a->http_status > 0)
		snprintf(status, sizeof(status), "HTTP %ld", a->http_status);
	else
		snprintf(status, sizeof(status), "no HTTP response");
	if (a->request_id[0] != '\0')
		snprintf(id, sizeof(id), ", request id %s", a->request_id);
	return snprintf(out, n, "%s%s%s (%s%s)%s%s", a->api, a->api[0] != '\0' ? ": " : "",
	    a->code[0] != '\0' ? a->code : "Unknown", status, id,
	    a->message[0] != '\0' ? ": " : "", a->message);
}

void
awserr_to_err(const struct awserr *a, struct err *e)
{
	char msg[ERR_MSG_MAX];

	if (e == NULL)
		return;
	awserr_format(a, msg, sizeof(msg));
	err_set(e, "%s", msg);
}
