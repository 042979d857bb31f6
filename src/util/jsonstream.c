#include "config.h"

#include "util/jsonstream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jsonutil.h"

#define JS_CHUNK 65536
#define JS_KEY_MAX 4096

struct jsonstream {
	int fd;
	char *name;
	uint64_t size;		/* bytes at open; reading stops there */
	size_t max_value;
	char *chunk;		/* JS_CHUNK bytes read ahead */
	size_t pos, len;
	uint64_t base;		/* file offset of chunk[0] */
	size_t line;
	struct buf val;		/* the value being read */
	size_t val_line;
	uint64_t val_at;
	/* Where the reader is in the one object (and one array at a time)
	 * it walks. */
	bool in_object, obj_first, obj_done, value_pending;
	bool in_array, arr_first;
};

#define JS_EOF (-1)
#define JS_ERR (-2)

static int
fail(const struct jsonstream *js, struct err *e, size_t line, const char *what)
{
	err_set(e, "%s:%zu: %s", js->name, line, what);
	return -1;
}

static int
refill(struct jsonstream *js, struct err *e)
{
	uint64_t at = js->base + js->len;
	size_t want = JS_CHUNK;
	ssize_t n;

	if (at >= js->size)
		return JS_EOF;
	if (js->size - at < want)
		want = (size_t)(js->size - at);
	do
		n = pread(js->fd, js->chunk, want, (off_t)at);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		err_set(e, "%s: cannot read: %s", js->name, strerror(errno));
		return JS_ERR;
	}
	if (n == 0) {
		/* Shorter than at open: truncated under us. */
		err_set(e, "%s: the file shrank while it was read", js->name);
		return JS_ERR;
	}
	js->base = at;
	js->pos = 0;
	js->len = (size_t)n;
	return 0;
}

/* The next byte without taking it, JS_EOF, or JS_ERR with e set. */
static int
peek(struct jsonstream *js, struct err *e)
{
	if (js->pos == js->len) {
		int r = refill(js, e);

		if (r != 0)
			return r;
	}
	return (unsigned char)js->chunk[js->pos];
}

static int
take(struct jsonstream *js, struct err *e)
{
	int c = peek(js, e);

	if (c >= 0) {
		js->pos++;
		if (c == '\n')
			js->line++;
	}
	return c;
}

static uint64_t
offset(const struct jsonstream *js)
{
	return js->base + js->pos;
}

/* White space as cJSON takes it between tokens (any byte up to 0x20),
 * so that a file reads the same here as through edgejson_parse. */
static bool
is_space(int c)
{
	return c >= 0 && c <= ' ';
}

/* Skip white space; the next byte (not taken), JS_EOF or JS_ERR. */
static int
skip_space(struct jsonstream *js, struct err *e)
{
	int c;

	while ((c = peek(js, e)) >= 0 && is_space(c))
		take(js, e);
	return c;
}

struct jsonstream *
jsonstream_open(const char *path, uint64_t max_file, size_t max_value, struct err *e)
{
	struct jsonstream *js = calloc(1, sizeof(*js));
	struct stat sb;

	if (js != NULL)
		js->fd = -1;
	if (js == NULL || (js->name = strdup(path)) == NULL ||
	    (js->chunk = malloc(JS_CHUNK)) == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	js->fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (js->fd < 0) {
		err_set(e, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(js->fd, &sb) != 0) {
		err_set(e, "%s: cannot read: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto fail;
	}
	if ((uint64_t)sb.st_size > max_file) {
		err_set(e, "%s: more than the limit of %llu bytes", path,
		    (unsigned long long)max_file);
		goto fail;
	}
	js->size = (uint64_t)sb.st_size;
	js->max_value = max_value;
	js->line = 1;
	buf_init(&js->val, max_value);
	return js;
fail:
	jsonstream_close(js);
	return NULL;
}

void
jsonstream_close(struct jsonstream *js)
{
	if (js == NULL)
		return;
	if (js->fd >= 0)
		close(js->fd);
	buf_free(&js->val);
	free(js->chunk);
	free(js->name);
	free(js);
}

const char *
jsonstream_name(const struct jsonstream *js)
{
	return js->name;
}

size_t
jsonstream_line(const struct jsonstream *js)
{
	return js->line;
}

size_t
jsonstream_value_line(const struct jsonstream *js)
{
	return js->val_line;
}

static int
keep(struct jsonstream *js, int c, struct err *e)
{
	char ch = (char)c;

	if (buf_append(&js->val, &ch, 1) != 0) {
		char m[96];

		if (errno != EFBIG) {
			err_set(e, "out of memory");
			return -1;
		}
		snprintf(m, sizeof(m), "a value longer than the limit of %zu bytes",
		    js->max_value);
		return fail(js, e, js->val_line, m);
	}
	return 0;
}

/*
 * The text of the next value into js->val. Only its extent is found here
 * (strings and nesting followed, so that a ',' or ']' inside a string or
 * an inner array does not end it); whether it is valid JSON is cJSON's to
 * say, in check_parse.
 */
static int
read_value_text(struct jsonstream *js, bool keep_text, struct err *e)
{
	int c, depth = 0;
	bool str = false, esc = false, scalar = false;

	buf_reset(&js->val);
	c = skip_space(js, e);
	js->val_line = js->line;
	js->val_at = offset(js);
	if (c == JS_ERR)
		return -1;
	if (c == JS_EOF)
		return fail(js, e, js->line, "the file ends where a value was expected");
	if (c != '{' && c != '[' && c != '"') {
		/* A number, true, false or null: up to the next delimiter. */
		while ((c = peek(js, e)) >= 0 && !is_space(c) && c != ',' && c != ']' &&
		    c != '}' && c != ':') {
			take(js, e);
			if (keep_text && keep(js, c, e) != 0)
				return -1;
			scalar = true;
		}
		if (c == JS_ERR)
			return -1;
		if (!scalar)
			return fail(js, e, js->line, "a value is missing");
		return 0;
	}
	for (;;) {
		c = take(js, e);
		if (c == JS_ERR)
			return -1;
		if (c == JS_EOF)
			return fail(js, e, js->val_line, "the file ends inside a value");
		if (keep_text && keep(js, c, e) != 0)
			return -1;
		if (str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"') {
				str = false;
				if (depth == 0)
					return 0;
			}
			continue;
		}
		if (c == '"')
			str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0)
			return 0;
	}
}

cJSON *
jsonstream_parse_part(const struct jsonstream *js, const char *text, size_t len,
    size_t line, struct err *e)
{
	const char *bad, *end = NULL;
	size_t off, l, col;
	cJSON *v;

	if ((bad = jsonutil_bad_text(text, len, &off)) != NULL) {
		jsonutil_position(text, len, off, &l, &col);
		fail(js, e, line + l - 1, bad);
		return NULL;
	}
	v = cJSON_ParseWithLengthOpts(text, len, &end, false);
	off = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
	if (v != NULL) {
		while (off < len && is_space((unsigned char)text[off]))
			off++;
		if (off == len)
			return v;
		cJSON_Delete(v);
	}
	jsonutil_position(text, len, off, &l, &col);
	fail(js, e, line + l - 1, "not valid JSON (syntax error)");
	return NULL;
}

static int
parse_value(struct jsonstream *js, cJSON **out, struct err *e)
{
	*out = NULL;
	if (read_value_text(js, true, e) != 0)
		return -1;
	*out = jsonstream_parse_part(js, js->val.data, js->val.len, js->val_line, e);
	return *out != NULL ? 0 : -1;
}

int
jsonstream_object_begin(struct jsonstream *js, struct err *e)
{
	int c = skip_space(js, e);

	if (c == JS_ERR)
		return -1;
	if (c == JS_EOF)
		return fail(js, e, js->line, "not valid JSON (the file is empty)");
	if (c != '{')
		return fail(js, e, js->line, "not a JSON object");
	take(js, e);
	js->in_object = true;
	js->obj_first = true;
	return 0;
}

/* After the closing '}': only white space up to the end. */
static int
object_end(struct jsonstream *js, struct err *e)
{
	int c;

	js->obj_done = true;
	js->in_object = false;
	c = skip_space(js, e);
	if (c == JS_ERR)
		return -1;
	if (c != JS_EOF)
		return fail(js, e, js->line, "text after the JSON document");
	return 0;
}

int
jsonstream_key(struct jsonstream *js, char **key, struct err *e)
{
	cJSON *k = NULL;
	int c;

	*key = NULL;
	if (!js->in_object || js->value_pending || js->in_array) {
		err_set(e, "%s: internal error: a key asked for out of turn", js->name);
		return -1;
	}
	c = skip_space(js, e);
	if (c == JS_ERR)
		return -1;
	if (c == '}') {
		take(js, e);
		return object_end(js, e) == 0 ? 0 : -1;
	}
	if (!js->obj_first) {
		if (c != ',')
			return fail(js, e, js->line, c == JS_EOF ? "the file ends inside "
			    "the object" : "expected ',' or '}' after a value");
		take(js, e);
		c = skip_space(js, e);
		if (c == JS_ERR)
			return -1;
	}
	if (c != '"')
		return fail(js, e, js->line, c == JS_EOF ? "the file ends inside the object" :
		    "expected a key (a string)");
	js->obj_first = false;
	if (js->max_value > JS_KEY_MAX)
		js->val.max = JS_KEY_MAX;
	c = parse_value(js, &k, e);
	js->val.max = js->max_value;
	if (c != 0)
		return -1;
	if (!cJSON_IsString(k)) {
		cJSON_Delete(k);
		return fail(js, e, js->val_line, "expected a key (a string)");
	}
	*key = strdup(k->valuestring);
	cJSON_Delete(k);
	if (*key == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	c = skip_space(js, e);
	if (c == JS_ERR)
		goto fail;
	if (c != ':') {
		fail(js, e, js->line, "expected ':' after a key");
		goto fail;
	}
	take(js, e);
	js->value_pending = true;
	return 1;
fail:
	free(*key);
	*key = NULL;
	return -1;
}

int
jsonstream_value(struct jsonstream *js, cJSON **out, struct err *e)
{
	*out = NULL;
	if (!js->value_pending) {
		err_set(e, "%s: internal error: a value asked for out of turn", js->name);
		return -1;
	}
	js->value_pending = false;
	return parse_value(js, out, e);
}

int
jsonstream_add_value(struct jsonstream *js, cJSON *obj, const char *key, struct err *e)
{
	cJSON *v;

	if (jsonstream_value(js, &v, e) != 0)
		return -1;
	if (!cJSON_AddItemToObject(obj, key, v)) {
		cJSON_Delete(v);
		err_set(e, "out of memory reading %s", js->name);
		return -1;
	}
	return 0;
}

int
jsonstream_skip(struct jsonstream *js, struct err *e)
{
	if (!js->value_pending) {
		err_set(e, "%s: internal error: a value skipped out of turn", js->name);
		return -1;
	}
	js->value_pending = false;
	return read_value_text(js, false, e);
}

int
jsonstream_array_begin(struct jsonstream *js, struct err *e)
{
	int c;

	if (!js->value_pending) {
		err_set(e, "%s: internal error: an array asked for out of turn", js->name);
		return -1;
	}
	c = skip_space(js, e);
	if (c == JS_ERR)
		return -1;
	if (c != '[')
		return fail(js, e, js->line, "not an array");
	take(js, e);
	js->value_pending = false;
	js->in_array = true;
	js->arr_first = true;
	return 0;
}

int
jsonstream_element(struct jsonstream *js, cJSON **out, uint64_t *at, size_t *len,
    struct err *e)
{
	int c;

	*out = NULL;
	if (!js->in_array) {
		err_set(e, "%s: internal error: an element asked for out of turn", js->name);
		return -1;
	}
	c = skip_space(js, e);
	if (c == JS_ERR)
		return -1;
	if (c == ']' && js->arr_first) {
		take(js, e);
		js->in_array = false;
		return 0;
	}
	if (!js->arr_first) {
		if (c == ']') {
			take(js, e);
			js->in_array = false;
			return 0;
		}
		if (c != ',')
			return fail(js, e, js->line, c == JS_EOF ? "the file ends inside an "
			    "array" : "expected ',' or ']' after an element");
		take(js, e);
	}
	js->arr_first = false;
	if (parse_value(js, out, e) != 0)
		return -1;
	if (at != NULL)
		*at = js->val_at;
	if (len != NULL)
		*len = js->val.len;
	return 1;
}

int
jsonstream_read_at(struct jsonstream *js, uint64_t at, size_t len, struct buf *out,
    struct err *e)
{
	size_t done = 0;

	buf_reset(out);
	if (at > js->size || len > js->size - at) {
		err_set(e, "%s: internal error: bytes %llu+%zu are past its end", js->name,
		    (unsigned long long)at, len);
		return -1;
	}
	while (done < len) {
		size_t want = len - done < JS_CHUNK ? len - done : JS_CHUNK;
		ssize_t n = pread(js->fd, js->chunk, want, (off_t)(at + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set(e, "%s: cannot read: %s", js->name, n < 0 ? strerror(errno) :
			    "the file shrank while it was read");
			goto fail;
		}
		if (buf_append(out, js->chunk, (size_t)n) != 0) {
			err_set(e, "%s: %zu bytes from byte %llu: %s", js->name, len,
			    (unsigned long long)at, errno == EFBIG ? "more than the limit" :
			    "out of memory");
			goto fail;
		}
		done += (size_t)n;
	}
	/* The read-ahead chunk now holds other bytes: the sequential reader
	 * reads again from where it was. */
	js->base += js->pos;
	js->pos = js->len = 0;
	return 0;
fail:
	buf_reset(out);
	return -1;
}
