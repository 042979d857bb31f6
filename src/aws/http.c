#include "config.h"

#include "aws/http.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/endpoint.h"
#include "log.h"
#include "util/secret.h"

struct http_xfer {
	CURL *curl;
	struct curl_slist *headers;
	struct http_response *resp;
	char site[320];		/* for messages: scheme://host[:port], see http_check_url */
	long total_timeout_ms, connect_timeout_ms;
	const char *total_timeout_name;	/* static, see struct http_opts */
	size_t max_bytes;
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
};

void
http_opts_default(struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
	o->total_timeout_ms = HTTP_DEFAULT_TOTAL_TIMEOUT_MS;
	o->max_response_bytes = HTTP_DEFAULT_MAX_RESPONSE_BYTES;
}

bool
http_failure_transient(enum http_failure f)
{
	return f == HTTP_FAIL_CONNECT || f == HTTP_FAIL_TIMEOUT || f == HTTP_FAIL_RESET ||
	    f == HTTP_FAIL_TRUNCATED;
}

const char *
http_failure_name(enum http_failure f)
{
	switch (f) {
	case HTTP_FAIL_NONE: return "none";
	case HTTP_FAIL_POLICY: return "refused by policy";
	case HTTP_FAIL_CONNECT: return "connection failed";
	case HTTP_FAIL_TIMEOUT: return "timeout";
	case HTTP_FAIL_RESET: return "connection reset";
	case HTTP_FAIL_TRUNCATED: return "truncated response";
	case HTTP_FAIL_TOO_LARGE: return "response too large";
	case HTTP_FAIL_TLS: return "TLS failure";
	case HTTP_FAIL_OTHER: return "transfer failed";
	}
	return "unknown";
}

void
http_response_init(struct http_response *r, size_t max_bytes)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, max_bytes != 0 ? max_bytes : HTTP_DEFAULT_MAX_RESPONSE_BYTES);
}

static void
http_response_clear_headers(struct http_response *r)
{
	r->retry_after[0] = '\0';
	r->request_id[0] = '\0';
	r->error_type[0] = '\0';
	r->content_type[0] = '\0';
}

void
http_response_reset(struct http_response *r)
{
	r->status = 0;
	r->failure = HTTP_FAIL_NONE;
	r->timeout_ms = 0;
	buf_reset(&r->body);
	http_response_clear_headers(r);
}

void
http_response_free(struct http_response *r)
{
	/* A body may hold credentials (STS, instance metadata). */
	buf_free_secret(&r->body);
	http_response_clear_headers(r);
	r->status = 0;
}

int
http_global_init(struct err *e)
{
	static int done;

	if (done)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		err_set(e, "libcurl initialisation failed");
		return -1;
	}
	done = 1;
	return 0;
}

static size_t
http_on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_xfer *x = ud;
	size_t n = size * nmemb;

	if (buf_append(&x->resp->body, p, n) != 0) {
		/* Returning less than n aborts the transfer with CURLE_WRITE_ERROR. */
		x->too_large = true;
		return 0;
	}
	return n;
}

static void
http_capture(char *dst, size_t dstsz, const char *v, size_t vlen)
{
	if (vlen >= dstsz)
		vlen = dstsz - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
}

static size_t
http_on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	struct http_xfer *x = ud;
	struct http_response *r = x->resp;
	size_t n = size * nmemb, nlen, vlen;
	const char *colon, *v;

	/* A new status line (after 100 Continue, say) starts a new header set. */
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		http_response_clear_headers(r);
		return n;
	}
	colon = memchr(p, ':', n);
	if (colon == NULL)
		return n;
	nlen = (size_t)(colon - p);
	v = colon + 1;
	vlen = n - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' ' ||
	    v[vlen - 1] == '\t'))
		vlen--;
#define HDR_IS(name) (nlen == sizeof(name) - 1 && strncasecmp(p, name, nlen) == 0)
	if (HDR_IS("Retry-After"))
		http_capture(r->retry_after, sizeof(r->retry_after), v, vlen);
	else if (HDR_IS("x-amzn-RequestId") || (HDR_IS("x-amz-request-id") && r->request_id[0] == '\0'))
		http_capture(r->request_id, sizeof(r->request_id), v, vlen);
	else if (HDR_IS("X-Amzn-Errortype"))
		http_capture(r->error_type, sizeof(r->error_type), v, vlen);
	else if (HDR_IS("Content-Type"))
		http_capture(r->content_type, sizeof(r->content_type), v, vlen);
#undef HDR_IS
	return n;
}

/* The addresses of enum http_plain, as literals: a name that resolves to
 * them does not count, so DNS cannot widen the list. */
static const char *const http_plain_imds[] = { "169.254.169.254", "fd00:ec2::254", NULL };
static const char *const http_plain_container[] = {
	"169.254.170.2", "169.254.170.23", "fd00:ec2::23", NULL
};

/* host equal to the IP literal want (IPv6 compared as addresses, so any
 * spelling of fd00:ec2::254 matches). */
static bool
http_host_is_addr(const char *host, const char *want)
{
	unsigned char a[16], b[16];
	char h[64];
	size_t n = strlen(host);

	if (inet_pton(AF_INET, want, b) == 1)
		return inet_pton(AF_INET, host, a) == 1 && memcmp(a, b, 4) == 0;
	if (n < 2 || n - 2 >= sizeof(h) || host[0] != '[' || host[n - 1] != ']')
		return false;
	memcpy(h, host + 1, n - 2);
	h[n - 2] = '\0';
	return inet_pton(AF_INET6, h, a) == 1 && inet_pton(AF_INET6, want, b) == 1 &&
	    memcmp(a, b, 16) == 0;
}

/* One of rule's own addresses (loopback not included). */
static bool
http_plain_listed(enum http_plain rule, const char *host)
{
	const char *const *l = rule == HTTP_PLAIN_IMDS ? http_plain_imds :
	    rule == HTTP_PLAIN_CONTAINER ? http_plain_container : NULL;

	for (; host != NULL && l != NULL && *l != NULL; l++)
		if (http_host_is_addr(host, *l))
			return true;
	return false;
}

bool
http_plain_allowed(enum http_plain rule, const char *host)
{
	return endpoint_host_is_loopback(host) || http_plain_listed(rule, host);
}

/*
 * Check the URL against the rules before anything is sent. local: loopback
 * or a credential endpoint of o->plain_http, which never goes to a proxy.
 * site gets scheme://host[:port], the only part of the URL messages show:
 * a webhook URL carries its token in the path or in user:password@, and a
 * URL cut to fit a message would defeat the log's scrubber, which masks
 * only whole secrets.
 */
static int
http_check_url(const struct http_opts *o, const char *url, bool *loopback, bool *local,
    char *site, size_t sitelen, struct err *e)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	snprintf(site, sitelen, "(unparsed URL)");
	u = curl_url();
	if (u == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		err_set(e, "invalid URL (not shown: it may hold a secret)");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	snprintf(site, sitelen, "%.16s://%.255s%s%.5s", scheme, host,
	    port != NULL ? ":" : "", port != NULL ? port : "");
	*loopback = endpoint_host_is_loopback(host);
	*local = *loopback || http_plain_listed(o->plain_http, host);
	if (strcasecmp(scheme, "https") != 0 && strcasecmp(scheme, "http") != 0) {
		err_set(e, "URL %s: only https:// (or http:// to loopback) is allowed", site);
		goto out;
	}
	if (strcasecmp(scheme, "http") == 0 && !*local) {
		err_set(e, "URL %s: plain http:// is only allowed for loopback hosts%s", site,
		    o->plain_http == HTTP_PLAIN_IMDS ? " and the instance metadata service" :
		    o->plain_http == HTTP_PLAIN_CONTAINER ? " and the container credentials agent" :
		    "");
		goto out;
	}
	if (o->insecure_loopback && !*loopback) {
		err_set(e, "URL %s: TLS verification can only be disabled for loopback hosts", site);
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

int
http_url_check(const struct http_opts *o, const char *url, struct err *e)
{
	struct http_opts def;
	bool loopback, local;
	char site[320];

	if (o == NULL) {
		http_opts_default(&def);
		o = &def;
	}
	return http_check_url(o, url, &loopback, &local, site, sizeof(site), e);
}

#define HTTP_SETOPT(x, opt, val) \
	do { if (curl_easy_setopt((x)->curl, opt, val) != CURLE_OK) { bad = #opt; goto fail; } } while (0)

struct http_xfer *
http_xfer_new(const struct http_opts *o, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	struct http_opts def;
	struct http_xfer *x = NULL;
	const char *bad = NULL;
	char line[8192];
	bool loopback = false, local = false;
	char site[320];
	size_t i;

	if (o == NULL) {
		http_opts_default(&def);
		o = &def;
	}
	resp->failure = HTTP_FAIL_NONE;
	if (http_global_init(e) != 0)
		goto fail_other;
	if (http_check_url(o, req->url, &loopback, &local, site, sizeof(site), e) != 0) {
		resp->failure = HTTP_FAIL_POLICY;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL || (x->curl = curl_easy_init()) == NULL) {
		err_set(e, "out of memory creating an HTTP transfer");
		goto fail_other;
	}
	x->resp = resp;
	snprintf(x->site, sizeof(x->site), "%s", site);
	x->total_timeout_ms = o->total_timeout_ms > 0 ? o->total_timeout_ms : HTTP_DEFAULT_TOTAL_TIMEOUT_MS;
	x->connect_timeout_ms = o->connect_timeout_ms > 0 ? o->connect_timeout_ms :
	    HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
	x->total_timeout_name = o->total_timeout_name != NULL ? o->total_timeout_name :
	    "request timeout";
	x->max_bytes = o->max_response_bytes != 0 ? o->max_response_bytes : HTTP_DEFAULT_MAX_RESPONSE_BYTES;
	resp->body.max = x->max_bytes;

	for (i = 0; i < req->nheaders; i++) {
		struct curl_slist *n;

		if (snprintf(line, sizeof(line), "%s: %s", req->headers[i].name,
		    req->headers[i].value) >= (int)sizeof(line)) {
			err_set(e, "HTTP header %.64s too long", req->headers[i].name);
			goto fail_other;
		}
		n = curl_slist_append(x->headers, line);
		if (n == NULL)
			goto fail_oom;
		x->headers = n;
	}
	/* 100-continue would add a round trip and an unsigned negotiation step. */
	{
		struct curl_slist *n = curl_slist_append(x->headers, "Expect:");

		if (n == NULL)
			goto fail_oom;
		x->headers = n;
	}
	/* The header list may carry an Authorization value; wipe our copy. */
	secret_wipe(line, sizeof(line));

	HTTP_SETOPT(x, CURLOPT_URL, req->url);
	HTTP_SETOPT(x, CURLOPT_PROTOCOLS_STR, "http,https");
	HTTP_SETOPT(x, CURLOPT_FOLLOWLOCATION, 0L);
	HTTP_SETOPT(x, CURLOPT_NOSIGNAL, 1L);
	HTTP_SETOPT(x, CURLOPT_ERRORBUFFER, x->errbuf);
	HTTP_SETOPT(x, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	HTTP_SETOPT(x, CURLOPT_HTTPHEADER, x->headers);
	HTTP_SETOPT(x, CURLOPT_CONNECTTIMEOUT_MS, x->connect_timeout_ms);
	HTTP_SETOPT(x, CURLOPT_TIMEOUT_MS, x->total_timeout_ms);
	HTTP_SETOPT(x, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_bytes);
	HTTP_SETOPT(x, CURLOPT_WRITEFUNCTION, http_on_body);
	HTTP_SETOPT(x, CURLOPT_WRITEDATA, x);
	HTTP_SETOPT(x, CURLOPT_HEADERFUNCTION, http_on_header);
	HTTP_SETOPT(x, CURLOPT_HEADERDATA, x);
	HTTP_SETOPT(x, CURLOPT_SSL_VERIFYPEER, 1L);
	HTTP_SETOPT(x, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_bundle != NULL && o->ca_bundle[0] != '\0')
		HTTP_SETOPT(x, CURLOPT_CAINFO, o->ca_bundle);
	if (local) {
		/* A proxy from the environment must not see loopback test traffic,
		 * nor a metadata request (it would fetch the proxy's own role). */
		HTTP_SETOPT(x, CURLOPT_PROXY, "");
	} else if (o->proxy != NULL && o->proxy[0] != '\0') {
		/* Always a tunnel, so the proxy sees host names and never the
		 * signed requests; the proxy's own certificate is checked against
		 * the same trust as the targets'. */
		HTTP_SETOPT(x, CURLOPT_PROXY, o->proxy);
		HTTP_SETOPT(x, CURLOPT_HTTPPROXYTUNNEL, 1L);
		HTTP_SETOPT(x, CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
		HTTP_SETOPT(x, CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
		if (o->ca_bundle != NULL && o->ca_bundle[0] != '\0')
			HTTP_SETOPT(x, CURLOPT_PROXY_CAINFO, o->ca_bundle);
	}
	if (loopback) {
		if (o->insecure_loopback) {
			log_warn("TLS CERTIFICATE VERIFICATION DISABLED for loopback endpoint %s "
			    "(insecure_loopback); never use this outside tests", x->site);
			HTTP_SETOPT(x, CURLOPT_SSL_VERIFYPEER, 0L);
			HTTP_SETOPT(x, CURLOPT_SSL_VERIFYHOST, 0L);
		}
	}
	if (strcmp(req->method, "POST") == 0) {
		HTTP_SETOPT(x, CURLOPT_POST, 1L);
		HTTP_SETOPT(x, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		HTTP_SETOPT(x, CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
	} else if (strcmp(req->method, "GET") == 0) {
		HTTP_SETOPT(x, CURLOPT_HTTPGET, 1L);
	} else {
		/* PUT and the like define a body: send "Content-Length: 0" for an
		 * empty one (the IMDSv2 token PUT), as the AWS SDKs do. */
		HTTP_SETOPT(x, CURLOPT_CUSTOMREQUEST, req->method);
		HTTP_SETOPT(x, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		HTTP_SETOPT(x, CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
	}
	return x;
fail:
	err_set(e, "libcurl refused option %s for %s", bad, site);
	goto fail_other;
fail_oom:
	err_set(e, "out of memory building HTTP headers");
fail_other:
	/* A header that failed half-way (too long, no memory) may have left an
	 * Authorization or metadata token value in line. */
	secret_wipe(line, sizeof(line));
	resp->failure = HTTP_FAIL_OTHER;
	http_xfer_free(x);
	return NULL;
}

CURL *
http_xfer_handle(struct http_xfer *x)
{
	return x->curl;
}

/* "10 s", or "1500 ms" when not whole seconds. */
static void
http_duration(long ms, char *out, size_t n)
{
	if (ms % 1000 == 0)
		snprintf(out, n, "%ld s", ms / 1000);
	else
		snprintf(out, n, "%ld ms", ms);
}

/*
 * Which limit ran out: curl's connect timeout covers the TCP connection
 * and, for https, the TLS handshake; an endpoint that accepts and never
 * answers the handshake runs out the connect timeout, not the total one,
 * and the message must name the limit that was hit. (curl may not record
 * the TCP connect time when the handshake fails, so the two are one
 * phase here.)
 */
static void
http_timeout_message(struct http_xfer *x, const char *detail, struct err *e)
{
	curl_off_t tcp = 0, tls = 0;
	bool https = strncasecmp(x->site, "https:", 6) == 0, connecting;
	char d[32];

	if (curl_easy_getinfo(x->curl, CURLINFO_CONNECT_TIME_T, &tcp) != CURLE_OK)
		tcp = 0;
	if (https && curl_easy_getinfo(x->curl, CURLINFO_APPCONNECT_TIME_T, &tls) != CURLE_OK)
		tls = 0;
	connecting = tcp == 0 || (https && tls == 0);
	if (connecting && x->connect_timeout_ms < x->total_timeout_ms) {
		x->resp->timeout_ms = x->connect_timeout_ms;
		http_duration(x->connect_timeout_ms, d, sizeof(d));
		err_set(e, "%s: not connected within %s (connect timeout): %s", x->site, d,
		    detail);
	} else {
		x->resp->timeout_ms = x->total_timeout_ms;
		http_duration(x->total_timeout_ms, d, sizeof(d));
		err_set(e, "%s: %s within %s (%s): %s", x->site,
		    connecting ? "not connected" : "no complete response", d,
		    x->total_timeout_name, detail);
	}
}

int
http_xfer_done(struct http_xfer *x, CURLcode rc, struct err *e)
{
	struct http_response *r = x->resp;
	const char *detail = x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(rc);

	if (rc == CURLE_OK) {
		if (curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &r->status) != CURLE_OK ||
		    r->status < 100) {
			r->failure = HTTP_FAIL_RESET;
			r->status = 0;
			err_set(e, "%s: no HTTP status in the response", x->site);
			return -1;
		}
		r->failure = HTTP_FAIL_NONE;
		return 0;
	}
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		r->failure = HTTP_FAIL_CONNECT;
		err_set(e, "%s: cannot connect: %s", x->site, detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		r->failure = HTTP_FAIL_TIMEOUT;
		http_timeout_message(x, detail, e);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		r->failure = HTTP_FAIL_RESET;
		err_set(e, "%s: connection closed or reset without a complete answer: %s", x->site, detail);
		break;
	case CURLE_PARTIAL_FILE:
		r->failure = HTTP_FAIL_TRUNCATED;
		err_set(e, "%s: response body truncated (%zu bytes received): %s", x->site,
		    r->body.len, detail);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		r->failure = HTTP_FAIL_TOO_LARGE;
		err_set(e, "%s: response larger than the limit of %zu bytes", x->site, x->max_bytes);
		break;
	case CURLE_WRITE_ERROR:
		r->failure = x->too_large ? HTTP_FAIL_TOO_LARGE : HTTP_FAIL_OTHER;
		if (x->too_large)
			err_set(e, "%s: response larger than the limit of %zu bytes", x->site, x->max_bytes);
		else
			err_set(e, "%s: cannot store the response: %s", x->site, detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
		r->failure = HTTP_FAIL_TLS;
		err_set(e, "%s: TLS failure (certificate verification is on): %s", x->site, detail);
		break;
	default:
		r->failure = HTTP_FAIL_OTHER;
		err_set(e, "%s: transfer failed: %s", x->site, detail);
		break;
	}
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &r->status);
	return -1;
}

void
http_xfer_free(struct http_xfer *x)
{
	if (x == NULL)
		return;
	if (x->curl != NULL)
		curl_easy_cleanup(x->curl);
	/* The list holds the Authorization header; wipe before freeing. */
	for (struct curl_slist *s = x->headers; s != NULL; s = s->next)
		secret_wipe(s->data, strlen(s->data));
	curl_slist_free_all(x->headers);
	free(x);
}

int
http_perform(const struct http_opts *o, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	struct http_xfer *x;
	CURLcode rc;
	int ret;

	x = http_xfer_new(o, req, resp, e);
	if (x == NULL)
		return -1;
	rc = curl_easy_perform(x->curl);
	ret = http_xfer_done(x, rc, e);
	http_xfer_free(x);
	return ret;
}

int
http_perform_many(const struct http_opts *o, const struct http_request *reqs,
    struct http_response *resps, struct err *errs, size_t n, size_t max_parallel, struct err *e)
{
	struct http_xfer **x = NULL;
	CURLM *m = NULL;
	size_t next = 0, active = 0, i;
	int ok = 0, running, rc = -1;

	if (http_global_init(e) != 0)
		return -1;
	if (max_parallel == 0 || max_parallel > n)
		max_parallel = n;
	x = calloc(n > 0 ? n : 1, sizeof(*x));
	m = curl_multi_init();
	if (x == NULL || m == NULL) {
		err_set(e, "out of memory creating a curl multi handle");
		goto out;
	}
	for (;;) {
		CURLMsg *msg;
		int left;

		while (active < max_parallel && next < n) {
			i = next++;
			x[i] = http_xfer_new(o, &reqs[i], &resps[i], errs != NULL ? &errs[i] : NULL);
			if (x[i] == NULL)
				continue;	/* refused: resps[i].failure already says why */
			if (curl_multi_add_handle(m, x[i]->curl) != CURLM_OK) {
				err_set(e, "curl_multi_add_handle failed");
				goto out;
			}
			active++;
		}
		if (active == 0 && next >= n)
			break;
		if (curl_multi_perform(m, &running) != CURLM_OK ||
		    curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK) {
			err_set(e, "curl multi transfer loop failed");
			goto out;
		}
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (i = 0; i < n; i++)
				if (x[i] != NULL && x[i]->curl == msg->easy_handle)
					break;
			if (i == n)
				continue;
			curl_multi_remove_handle(m, x[i]->curl);
			if (http_xfer_done(x[i], msg->data.result, errs != NULL ? &errs[i] : NULL) == 0)
				ok++;
			http_xfer_free(x[i]);
			x[i] = NULL;
			active--;
		}
	}
	rc = ok;
out:
	for (i = 0; x != NULL && i < n; i++) {
		if (x[i] != NULL) {
			if (m != NULL)
				curl_multi_remove_handle(m, x[i]->curl);
			http_xfer_free(x[i]);
		}
	}
	free(x);
	if (m != NULL)
		curl_multi_cleanup(m);
	return rc;
}
