#include "config.h"

#include "evalcmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "policy/eval.h"
#include "policy/evalcmd.h"
#include "policy/explain.h"
#include "util/buf.h"

/* Read a whole file, bounded. */
static int
evalcmd_read(const char *path, struct buf *b, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = -1;

	if (f == NULL) {
		err_set(e, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(b, chunk, n) < 0) {
			if (errno == EFBIG)
				err_set(e, "%s: request file too large (more than %u MiB): a file holds one "
				    "request; put many requests one per line in a batch file (no size "
				    "limit, at most %u MiB per line)", path, EVALCMD_MAX_FILE >> 20,
				    EVALCMD_MAX_LINE >> 20);
			else
				err_set(e, "%s: out of memory", path);
			goto out;
		}
	}
	if (ferror(f)) {
		err_set(e, "%s: read error", path);
		goto out;
	}
	if (b->len == 0 && buf_append(b, "", 0) < 0) {
		err_set(e, "%s: out of memory", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

static int
evalcmd_one(struct eval_state *st, struct evalcmd_cache *cache, const char *text, size_t len,
    bool json, FILE *out, const char *where, struct err *e)
{
	struct evalcmd_case ec;
	struct eval_result res;
	const char *end = NULL;
	cJSON *req = cJSON_ParseWithLengthOpts(text, len, &end, false);
	int rc = -1;

	memset(&ec, 0, sizeof(ec));
	if (req == NULL) {
		err_set(e, "%s: not valid JSON (at byte %zu)", where,
		    end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : len);
		return -1;
	}
	for (; end != NULL && end < text + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n') {
			err_set(e, "%s: trailing data after the JSON object (at byte %zu)", where,
			    (size_t)(end - text));
			goto out;
		}
	if (evalcmd_load(&ec, req, cache, e) < 0) {
		err_prefix(e, "%s", where);
		goto out;
	}
	if (eval_run(st, &ec.rq, &res, e) < 0) {
		err_prefix(e, "%s", where);
		goto out;
	}
	if (json) {
		cJSON *o = evalcmd_result_json(&ec, &res);
		char *s = o != NULL ? cJSON_PrintUnformatted(o) : NULL;

		cJSON_Delete(o);
		if (s == NULL) {
			err_set(e, "%s: out of memory writing the result", where);
			goto out;
		}
		fprintf(out, "%s\n", s);
		free(s);
	} else {
		struct buf b;

		buf_init(&b, 16u << 20);
		if (ec.name != NULL)
			buf_printf(&b, "name: %s\n", ec.name);
		if (explain_text(&res, &ec.ctx, &b) < 0) {
			buf_free(&b);
			err_set(e, "%s: result too large to write", where);
			goto out;
		}
		fputs(buf_cstr(&b), out);
		buf_free(&b);
	}
	rc = 0;
out:
	evalcmd_case_free(&ec);
	cJSON_Delete(req);
	return rc;
}

/*
 * A batch file is read one line at a time, so its size is not bounded (a
 * daemon's --eval-batch over a whole account's questions easily passes any
 * fixed size); memory stays bounded by the longest line, EVALCMD_MAX_LINE.
 */
struct evalcmd_lines {
	FILE *f;
	size_t pos, len;
	char chunk[65536];
};

enum evalcmd_got { EVALCMD_EOF, EVALCMD_LINE, EVALCMD_TOOLONG, EVALCMD_ERROR };

/*
 * Next line of lr into line (without its '\n'). The bound is checked as
 * the line is read, not at its end: a line that never ends (/dev/zero)
 * must not be read for ever, nor a 2 GB one to the end before it is
 * refused. EVALCMD_TOOLONG as soon as the line passes EVALCMD_MAX_LINE;
 * EVALCMD_ERROR on a read error (ferror) or out of memory.
 */
static enum evalcmd_got
evalcmd_next_line(struct evalcmd_lines *lr, struct buf *line)
{
	bool any = false;

	buf_reset(line);
	for (;;) {
		const char *p, *nl;
		size_t n;

		if (lr->pos == lr->len) {
			lr->pos = 0;
			lr->len = fread(lr->chunk, 1, sizeof(lr->chunk), lr->f);
			if (lr->len == 0)
				return ferror(lr->f) ? EVALCMD_ERROR :
				    any ? EVALCMD_LINE : EVALCMD_EOF;
		}
		any = true;
		p = lr->chunk + lr->pos;
		nl = memchr(p, '\n', lr->len - lr->pos);
		n = nl != NULL ? (size_t)(nl - p) : lr->len - lr->pos;
		lr->pos += n + (nl != NULL);
		if (buf_append(line, p, n) < 0)
			return errno == EFBIG ? EVALCMD_TOOLONG : EVALCMD_ERROR;
		if (nl != NULL)
			return EVALCMD_LINE;
	}
}

/* Report a line that could not be evaluated, in the output and (the first
 * one) in e; the others are still evaluated. */
static void
evalcmd_bad_line(FILE *out, size_t line, const struct err *le, bool *failed, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	char *s = NULL;

	if (o != NULL && cJSON_AddNumberToObject(o, "line", (double)line) != NULL &&
	    cJSON_AddStringToObject(o, "error", le->msg) != NULL)
		s = cJSON_PrintUnformatted(o);
	/* Without memory for the object, still keep one output line per
	 * input line. */
	fprintf(out, "%s\n", s != NULL ? s : "{\"error\":\"out of memory reporting an error\"}");
	free(s);
	cJSON_Delete(o);
	if (!*failed && e != NULL)
		*e = *le;
	*failed = true;
}

static int
evalcmd_batch(const char *path, FILE *out, struct err *e)
{
	struct evalcmd_lines *lr = calloc(1, sizeof(*lr));
	struct buf line;
	struct eval_state st;
	struct evalcmd_cache cache;
	size_t lineno = 0;
	bool failed = false;
	int rc = -1;

	buf_init(&line, EVALCMD_MAX_LINE);
	eval_state_init(&st);
	evalcmd_cache_init(&cache);
	if (lr == NULL) {
		err_set(e, "%s: out of memory", path);
		goto out;
	}
	lr->f = fopen(path, "rb");
	if (lr->f == NULL) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		char where[512];
		struct err le = { "" };
		enum evalcmd_got got = evalcmd_next_line(lr, &line);

		if (got == EVALCMD_ERROR) {
			err_set(e, "%s:%zu: %s", path, lineno + 1,
			    ferror(lr->f) ? "read error" : "out of memory");
			goto out;
		}
		if (got == EVALCMD_EOF)
			break;
		lineno++;
		snprintf(where, sizeof(where), "%s:%zu", path, lineno);
		/* Its end may never come, so the batch stops here: the
		 * lines after it cannot be found without reading it all. */
		if (got == EVALCMD_TOOLONG) {
			err_set(&le, "%s: line longer than %u bytes (%u MiB); the "
			    "lines after it are not read", where, EVALCMD_MAX_LINE,
			    EVALCMD_MAX_LINE >> 20);
			evalcmd_bad_line(out, lineno, &le, &failed, e);
			break;
		}
		if (strspn(buf_cstr(&line), " \t\r") >= line.len)
			continue;
		if (evalcmd_one(&st, &cache, line.data, line.len, true, out, where, &le) < 0)
			evalcmd_bad_line(out, lineno, &le, &failed, e);
	}
	rc = failed ? -1 : 0;
out:
	if (lr != NULL && lr->f != NULL)
		fclose(lr->f);
	free(lr);
	eval_state_free(&st);
	evalcmd_cache_free(&cache);
	buf_free(&line);
	return rc;
}

int
evalcmd_run(const char *path, bool batch, bool json, FILE *out, struct err *e)
{
	struct buf b;
	struct eval_state st;
	int rc = -1;

	if (batch)
		return evalcmd_batch(path, out, e);
	/* One request is one JSON document, parsed whole: bounded. */
	buf_init(&b, EVALCMD_MAX_FILE);
	eval_state_init(&st);
	if (evalcmd_read(path, &b, e) == 0)
		rc = evalcmd_one(&st, NULL, b.data, b.len, json, out, path, e);
	eval_state_free(&st);
	buf_free(&b);
	return rc;
}
