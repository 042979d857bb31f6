#include "config.h"

#include "aws/creds_http.h"

#include <curl/curl.h>
#include <string.h>

#include "util/secret.h"

static size_t
creds_http_write(char *p, size_t sz, size_t n, void *ud)
{
	struct buf *b = ud;

	if (buf_append(b, p, sz * n) != 0)
		return 0;	/* makes curl fail with CURLE_WRITE_ERROR */
	return sz * n;
}

static void
creds_http_slist_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		if (p->data != NULL)
			secret_wipe(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

void
creds_http_resp_free(struct creds_http_resp *resp)
{
	buf_free_secret(&resp->body);
	resp->status = 0;
}

int
creds_http(const struct creds_http_req *r, struct creds_http_resp *resp, struct err *e)
{
	struct curl_slist *hl = NULL, *t;
	char errbuf[CURL_ERROR_SIZE];
	CURL *c = NULL;
	CURLcode rc;
	size_t i;
	int ret = -1;

	buf_free_secret(&resp->body);
	buf_init(&resp->body, r->max_bytes);
	resp->status = 0;
	resp->timed_out = 0;
	errbuf[0] = '\0';
	if ((c = curl_easy_init()) == NULL) {
		err_set(e, "%s: cannot create a libcurl handle", r->url);
		goto out;
	}
	for (i = 0; i < r->nheaders; i++) {
		if ((t = curl_slist_append(hl, r->headers[i])) == NULL) {
			err_set(e, "%s: out of memory", r->url);
			goto out;
		}
		hl = t;
	}
	/* libcurl adds "Expect: 100-continue" to bodies; metadata servers do not want it. */
	if (r->body != NULL && (t = curl_slist_append(hl, "Expect:")) != NULL)
		hl = t;
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (r->ca_bundle != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, r->ca_bundle);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, r->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, creds_http_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp->body);
	curl_easy_setopt(c, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	if (hl != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	if (strcmp(r->method, "GET") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body != NULL ? r->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(r->body != NULL ? r->body_len : 0));
	}
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		if (rc == CURLE_WRITE_ERROR)
			err_set(e, "%s: response larger than %zu bytes", r->url, r->max_bytes);
		else
			err_set(e, "%s: %s", r->url, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (buf_append(&resp->body, "", 0) != 0) {
		err_set(e, "%s: out of memory", r->url);
		goto out;
	}
	ret = 0;
out:
	creds_http_slist_free(hl);
	if (c != NULL)
		curl_easy_cleanup(c);
	return ret;
}
