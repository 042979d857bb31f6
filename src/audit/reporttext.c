/*
 * The text report's layout. See reporttext.h.
 */
#include "config.h"

#include "audit/reporttext.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "audit/edgejson.h"
#include "util/buf.h"
#include "util/strutil.h"

/* ---- safe text ---- */

/*
 * Names and texts come from AWS and from policy documents (condition
 * values): a control character in one must not reach a terminal or a log
 * as itself. esc() appends s with every control byte as \xNN (and, in such
 * a text, a backslash as \\).
 */
static int
esc(struct buf *b, const char *s)
{
	const char *p;

	if (s == NULL)
		s = "?";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p == '\0')
		return buf_puts(b, s);
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		int rc = c < 0x20 || c == 0x7f ? buf_printf(b, "\\x%02x", c) :
		    c == '\\' ? buf_puts(b, "\\\\") : buf_putc(b, (char)c);

		if (rc != 0)
			return -1;
	}
	return 0;
}

/*
 * An IAM ARN without what every ARN of the report shares: "arn:aws:iam::"
 * goes, the account stays unless it is the one the text is about (an
 * account heading above it). Both forms are suffixes of the ARN: nothing
 * is allocated. Anything that is not such an ARN is returned whole.
 */
static const char *
short_arn(const char *arn, const char *account)
{
	const char *p = arn, *q;

	if (arn == NULL)
		return "?";
	if (strncmp(arn, "arn:", 4) != 0)
		return arn;
	for (int colons = 0; colons < 4; colons++) {
		p = strchr(p, ':');
		if (p == NULL)
			return arn;
		p++;
	}
	q = strchr(p, ':');
	if (q == NULL || q == p)
		return arn;
	if (account != NULL && strlen(account) == (size_t)(q - p) &&
	    strncmp(p, account, (size_t)(q - p)) == 0)
		return q + 1;
	return p;
}

/* ---- width and wrapping ---- */

unsigned
reporttext_width(FILE *out)
{
	const char *c = getenv("COLUMNS");
	long w = 0;
	struct winsize ws;

	if (c != NULL && c[0] != '\0') {
		char *end;

		errno = 0;
		w = strtol(c, &end, 10);
		if (errno != 0 || *end != '\0' || w <= 0)
			w = 0;
	}
	if (w == 0 && isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0)
		w = ws.ws_col;
	if (w <= 0)
		w = REPORTTEXT_DEFAULT_WIDTH;
	if (w < REPORTTEXT_MIN_WIDTH)
		w = REPORTTEXT_MIN_WIDTH;
	if (w > REPORTTEXT_MAX_WIDTH)
		w = REPORTTEXT_MAX_WIDTH;
	return (unsigned)w;
}

/* One output line: n bytes at p, after pad more columns of indent. */
struct line {
	const char *p;
	size_t n, pad;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

static int
lines_add(struct lines *l, const char *p, size_t n, size_t pad)
{
	if (l->n == l->cap) {
		size_t cap = l->cap > 0 ? l->cap * 2 : 8;
		struct line *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct line){ p, n, pad };
	return 0;
}

/* Where to end a line of s (n > w bytes left) at most w bytes long: at
 * the last space (*space: skip it); else, in an ARN or a list without
 * spaces, after the last '/', ':' or ',' of the line's second half, else
 * after any of them or a '-'; else at w, moved back off a UTF-8
 * continuation byte so that no character is split. */
static size_t
cut_at(const char *s, size_t n, size_t w, bool *space)
{
	size_t i;

	*space = false;
	for (i = w < n ? w : n - 1; i > 0; i--)
		if (s[i] == ' ') {
			*space = true;
			return i;
		}
	for (i = w; i > w / 2 && i > 1; i--)
		if (strchr("/:,", s[i - 1]) != NULL)
			return i;
	for (i = w; i > 1; i--)
		if (strchr("/:,-", s[i - 1]) != NULL)
			return i;
	for (i = w; i > 1 && ((unsigned char)s[i] & 0xc0) == 0x80; i--)
		;
	return i;
}

/* text as lines: the first at most w1 bytes, the others w2 bytes after
 * pad columns more. The lines point into text. */
static int
wrap(struct lines *l, const char *text, size_t w1, size_t w2, size_t pad)
{
	const char *s = text;
	size_t n = strlen(text);
	bool first = true;

	if (w1 < 1)
		w1 = 1;
	if (w2 < 1)
		w2 = 1;
	if (n == 0)
		return lines_add(l, s, 0, 0);
	while (n > 0) {
		size_t w = first ? w1 : w2, c, end;
		bool space;

		if (!first)
			while (n > 0 && *s == ' ') {
				s++;
				n--;
			}
		if (n == 0)
			break;
		if (n <= w)
			return lines_add(l, s, n, first ? 0 : pad);
		c = cut_at(s, n, w, &space);
		for (end = c; end > 0 && s[end - 1] == ' '; end--)
			;
		if (lines_add(l, s, end, first ? 0 : pad) != 0)
			return -1;
		s += c + (space ? 1 : 0);
		n -= c + (space ? 1 : 0);
		first = false;
	}
	return 0;
}

/* text at indent, wrapped to width, its continuation lines hang more. */
static int
put_wrapped(FILE *out, size_t indent, unsigned width, size_t hang, const char *text)
{
	struct lines l = { NULL, 0, 0 };
	size_t w = width > indent ? width - indent : 1;
	int rc = wrap(&l, text, w, w > hang ? w - hang : 1, hang);

	for (size_t i = 0; rc == 0 && i < l.n; i++)
		if (fprintf(out, "%*s%.*s\n", (int)(indent + l.v[i].pad), "", (int)l.v[i].n,
		    l.v[i].p) < 0)
			rc = -1;
	free(l.v);
	return rc;
}

/* A sentence of ours at indent, wrapped like the others; a leading
 * newline in fmt is printed as such. */
static int say(FILE *out, unsigned width, size_t indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
say(FILE *out, unsigned width, size_t indent, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	int rc;

	buf_init(&b, 0);
	va_start(ap, fmt);
	rc = buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (rc == 0) {
		const char *t = buf_cstr(&b);

		for (; *t == '\n'; t++)
			if (fputc('\n', out) == EOF)
				rc = -1;
		if (rc == 0)
			rc = put_wrapped(out, indent, width, 2, t);
	}
	buf_free(&b);
	return rc;
}

int
reporttext_note(FILE *out, unsigned width, size_t indent, const char *text)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = esc(&b, text);
	if (rc == 0)
		rc = put_wrapped(out, indent, width, 2, buf_cstr(&b));
	buf_free(&b);
	return rc;
}

/* Two columns: left (lw wide) and right, from indent, row by row. */
static int
put_columns(FILE *out, size_t indent, const struct lines *left, size_t lw,
    const struct lines *right)
{
	size_t rows = left->n > right->n ? left->n : right->n;

	for (size_t r = 0; r < rows; r++) {
		size_t used = 0;
		int rc;

		rc = fprintf(out, "%*s", (int)indent, "");
		if (rc >= 0 && r < left->n) {
			rc = fprintf(out, "%*s%.*s", (int)left->v[r].pad, "", (int)left->v[r].n,
			    left->v[r].p);
			used = left->v[r].pad + left->v[r].n;
		}
		if (rc >= 0 && r < right->n && right->v[r].n > 0)
			rc = fprintf(out, "%*s%.*s", (int)(lw - used + 2 + right->v[r].pad), "",
			    (int)right->v[r].n, right->v[r].p);
		if (rc < 0 || fputc('\n', out) == EOF)
			return -1;
	}
	return 0;
}

/* ---- pieces of text ---- */

static int
services_into(struct buf *b, const struct edge *ed)
{
	int rc = 0;

	if (ed->nservices == 0)
		rc = buf_puts(b, ed->no_service ? "none (no service can use it)" : "none");
	for (size_t i = 0; rc == 0 && i < ed->nservices; i++)
		rc = (i > 0 ? buf_puts(b, ", ") : 0) != 0 ? -1 : esc(b, ed->services[i]);
	return rc;
}

/* "assume role/Ops -> pass role/Build via cloudformation.amazonaws.com" */
static int
path_into(struct buf *b, const struct edge *ed)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ed->npath; i++) {
		const struct edge_hop *h = &ed->path[i];

		rc = buf_puts(b, i > 0 ? " -> " : "") != 0 || esc(b, h->kind) != 0 ||
		    buf_putc(b, ' ') != 0 || esc(b, short_arn(h->arn, ed->account)) != 0 ? -1 : 0;
		if (rc == 0 && h->via_service != NULL)
			rc = buf_puts(b, " via ") != 0 || esc(b, h->via_service) != 0 ? -1 : 0;
	}
	return rc;
}

/* Owned strings, one per item of an edge's details. */
struct items {
	char **v;
	size_t n;
};

static void
items_free(struct items *it)
{
	for (size_t i = 0; i < it->n; i++)
		free(it->v[i]);
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

/* b's text becomes the next item (b is reset). */
static int
items_take(struct items *it, struct buf *b, int rc)
{
	char **v;

	if (rc != 0 || (v = realloc(it->v, (it->n + 1) * sizeof(*v))) == NULL) {
		buf_free(b);
		return -1;
	}
	it->v = v;
	it->v[it->n] = buf_steal(b);
	if (it->v[it->n] == NULL)
		return -1;
	it->n++;
	return 0;
}

/* What is said under an edge's principal: its services, conditions,
 * path and caveats; with reasons, why it holds and each caveat's
 * sentence. */
/* "usable: yes (lambda.amazonaws.com yes with lambda:CreateFunction +
 * lambda:InvokeFunction; ec2.amazonaws.com no, refused ec2:RunInstances)";
 * not for an edge of state written before usability was known. */
static int
usable_into(struct buf *b, const struct edge *ed)
{
	int rc = buf_printf(b, "usable: %s", edge_usable_name(ed->usable));

	if (rc == 0 && ed->nuses == 0)
		rc = buf_puts(b, " (no service can use the role)");
	for (size_t i = 0; rc == 0 && i < ed->nuses; i++) {
		const struct edge_use *u = &ed->uses[i];
		const char *w = u->usable == EDGE_USABLE_NO ? u->refused : u->actions;

		rc = buf_puts(b, i > 0 ? "; " : " (") != 0 || esc(b, u->service) != 0 ||
		    buf_printf(b, " %s", edge_usable_name(u->usable)) != 0 ? -1 : 0;
		if (rc == 0 && w == NULL && u->actions == NULL)
			rc = buf_puts(b, ", no known action makes it act with the role");
		else if (rc == 0 && w != NULL) {
			rc = buf_puts(b, u->usable == EDGE_USABLE_NO ? ", refused " : " with ");
			for (const char *c = w; rc == 0 && *c != '\0'; c++)
				rc = *c == ' ' ? buf_puts(b, " + ") :
				    (unsigned char)*c < 0x20 || *c == 0x7f ? buf_printf(b, "\\x%02x",
				    (unsigned char)*c) : buf_putc(b, *c);
		}
	}
	if (rc == 0 && ed->nuses > 0)
		rc = buf_putc(b, ')');
	return rc;
}

static int
edge_items(struct items *it, const struct edge *ed, bool reasons)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = items_take(it, &b, services_into(&b, ed));
	if (rc == 0 && ed->conditional && ed->conditions != NULL)
		rc = items_take(it, &b, buf_puts(&b, "if ") != 0 ? -1 : esc(&b, ed->conditions));
	if (rc == 0 && ed->npath > 0)
		rc = items_take(it, &b, buf_puts(&b, "via ") != 0 ? -1 : path_into(&b, ed));
	if (rc == 0 && ed->usable != EDGE_USABLE_UNKNOWN)
		rc = items_take(it, &b, usable_into(&b, ed));
	for (size_t k = 0; rc == 0 && k < ed->ncaveats; k++) {
		const struct edge_caveat *c = &ed->caveats[k];

		rc = items_take(it, &b, buf_puts(&b, "caveat: denied through ") != 0 ||
		    esc(&b, c->endpoint_id) != 0 || buf_puts(&b, " (") != 0 ||
		    esc(&b, c->service_name) != 0 || buf_putc(&b, ')') != 0 ? -1 : 0);
		if (rc == 0 && reasons && c->message != NULL)
			rc = items_take(it, &b, buf_puts(&b, "  ") != 0 ? -1 : esc(&b, c->message));
	}
	if (rc == 0 && reasons && ed->reason != NULL)
		rc = items_take(it, &b, buf_puts(&b, "why: ") != 0 ? -1 : esc(&b, ed->reason));
	buf_free(&b);
	return rc;
}

/* ---- one account: edges by role, privileged roles ---- */

static const char *
nz(const char *s)
{
	return s != NULL ? s : "?";
}

static int
by_role(const void *a, const void *b)
{
	const struct edge *x = *(const struct edge *const *)a, *y = *(const struct edge *const *)b;
	int c = strcmp(nz(x->role_arn), nz(y->role_arn));

	return c != 0 ? c : strcmp(nz(x->principal_arn), nz(y->principal_arn));
}

/* A principal's column: as wide as the widest principal of its role, but
 * no more than 2/5 of the line, so that the services keep room. */
#define PRINCIPAL_INDENT 4

static int
edge_text(FILE *out, const struct edge *ed, size_t lw, unsigned width, bool reasons)
{
	struct items it = { NULL, 0 };
	struct lines left = { NULL, 0, 0 }, right = { NULL, 0, 0 };
	struct buf who;
	size_t rw = width > PRINCIPAL_INDENT + lw + 2 ? width - PRINCIPAL_INDENT - lw - 2 : 0;
	int rc;

	buf_init(&who, 0);
	rc = esc(&who, short_arn(ed->principal_arn, ed->account));
	if (rc == 0)
		rc = edge_items(&it, ed, reasons);
	if (rc != 0)
		goto out;
	if (rw < 20) {
		/* Too narrow for two columns: the details go under the name. */
		rc = put_wrapped(out, PRINCIPAL_INDENT, width, 0, buf_cstr(&who));
		for (size_t i = 0; rc == 0 && i < it.n; i++)
			rc = put_wrapped(out, PRINCIPAL_INDENT + 4, width, 2, it.v[i]);
		goto out;
	}
	/* A name's continuation lines hang, so that they never read as
	 * another principal. */
	rc = wrap(&left, buf_cstr(&who), lw, lw > 3 ? lw - 2 : 1, 2);
	for (size_t i = 0; rc == 0 && i < it.n; i++)
		rc = wrap(&right, it.v[i], rw, rw - 2, 2);
	if (rc == 0)
		rc = put_columns(out, PRINCIPAL_INDENT, &left, lw, &right);
out:
	free(left.v);
	free(right.v);
	items_free(&it);
	buf_free(&who);
	return rc;
}

static int
role_heading(FILE *out, const struct edge *ed, unsigned width)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = esc(&b, short_arn(ed->role_arn, ed->account));
	if (rc == 0)
		rc = put_wrapped(out, 2, width, 2, buf_cstr(&b));
	buf_free(&b);
	return rc;
}

/* The edges of one account, grouped by role, in role then principal
 * order (the set is in principal order). */
static int
account_edges(FILE *out, const struct edge_set *one, const struct report_view *v,
    struct reporttext_tally *t)
{
	const struct edge **idx = calloc(one->nedges, sizeof(*idx));
	size_t cap = (v->width - PRINCIPAL_INDENT) * 2 / 5, nroles = 0;
	struct buf b;
	int rc = -1;

	buf_init(&b, 0);
	if (idx == NULL)
		goto out;
	for (size_t i = 0; i < one->nedges; i++)
		idx[i] = &one->edges[i];
	qsort(idx, one->nedges, sizeof(*idx), by_role);
	for (size_t i = 0; i < one->nedges; i++)
		nroles += i == 0 || strcmp(nz(idx[i]->role_arn), nz(idx[i - 1]->role_arn)) != 0;
	if (t->edges > 0 && fputc('\n', out) == EOF)
		goto out;
	if (buf_puts(&b, "Account ") != 0 || esc(&b, one->naccounts > 0 ? one->accounts[0].id :
	    idx[0]->account) != 0 || buf_printf(&b, ": %zu edge%s to %zu role%s",
	    one->nedges, one->nedges == 1 ? "" : "s", nroles, nroles == 1 ? "" : "s") != 0 ||
	    put_wrapped(out, 0, v->width, 2, buf_cstr(&b)) != 0)
		goto out;
	for (size_t i = 0, j; i < one->nedges; i = j) {
		size_t lw = 0;

		for (j = i; j < one->nedges && strcmp(nz(idx[j]->role_arn),
		    nz(idx[i]->role_arn)) == 0; j++) {
			buf_reset(&b);
			if (esc(&b, short_arn(idx[j]->principal_arn, idx[j]->account)) != 0)
				goto out;
			if (b.len > lw)
				lw = b.len;
		}
		if (lw > cap)
			lw = cap;
		if (role_heading(out, idx[i], v->width) != 0)
			goto out;
		for (size_t k = i; k < j; k++) {
			const struct edge *ed = idx[k];

			if (edge_text(out, ed, lw, v->width, v->reasons) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	buf_free(&b);
	free(idx);
	return rc;
}

/* max_reasons 0: all. An administrator role has a reason per escalation
 * action; the audit report shows the first few, and --list-privileged
 * (whose subject they are) all of them. */
static int
privileged_text(FILE *out, const struct edge_privileged *p, size_t max_reasons, unsigned width)
{
	size_t shown = max_reasons == 0 || p->nreasons <= max_reasons + 1 ? p->nreasons :
	    max_reasons;
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = esc(&b, short_arn(p->role_arn, NULL)) != 0 ||
	    put_wrapped(out, 2, width, 2, buf_cstr(&b)) != 0 ? -1 : 0;
	for (size_t k = 0; rc == 0 && k < shown; k++) {
		buf_reset(&b);
		rc = esc(&b, p->reasons[k]) != 0 ||
		    put_wrapped(out, 6, width, 2, buf_cstr(&b)) != 0 ? -1 : 0;
	}
	if (rc == 0 && shown < p->nreasons)
		rc = say(out, width, 6, "... and %zu more (--list-privileged lists them)",
		    p->nreasons - shown);
	buf_free(&b);
	return rc;
}

int
reporttext_count(struct reporttext_tally *t, const struct edge_set *one)
{
	const struct edge **idx = calloc(one->nedges > 0 ? one->nedges : 1, sizeof(*idx));

	if (idx == NULL)
		return -1;
	for (size_t i = 0; i < one->nedges; i++) {
		const struct edge *ed = &one->edges[i];

		idx[i] = ed;
		t->edges++;
		t->conditional += ed->conditional;
		t->unconditional += !ed->conditional;
		t->indirect += ed->npath > 0;
		t->caveated += ed->ncaveats > 0;
	}
	qsort(idx, one->nedges, sizeof(*idx), by_role);
	for (size_t i = 0; i < one->nedges; i++)
		t->roles += i == 0 || strcmp(nz(idx[i]->role_arn), nz(idx[i - 1]->role_arn)) != 0;
	t->privileged += one->nprivileged;
	free(idx);
	return 0;
}

int
reporttext_account(FILE *edges, FILE *priv, const struct edge_set *one,
    const struct report_view *v, struct reporttext_tally *t)
{
	if (one->nedges > 0 && account_edges(edges, one, v, t) != 0)
		return -1;
	for (size_t i = 0; i < one->nprivileged; i++)
		if (privileged_text(priv, &one->privileged[i], 3, v->width) != 0)
			return -1;
	if (reporttext_count(t, one) != 0)
		return -1;
	return ferror(edges) || ferror(priv) ? -1 : 0;
}

/* ---- the end: head, summary, changes, spools, not audited ---- */

/* A summary line: the label in a column, the value wrapped beside it. */
#define LABEL_WIDTH 18

static int
row(FILE *out, unsigned width, const char *label, const struct buf *value)
{
	struct lines l = { NULL, 0, 0 };
	size_t w = width - 2 - LABEL_WIDTH;
	int rc = wrap(&l, buf_cstr(value), w, w - 2, 2);

	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = fprintf(out, "  %-*s%*s%.*s\n", LABEL_WIDTH, i == 0 ? label : "",
		    (int)l.v[i].pad, "", (int)l.v[i].n, l.v[i].p) < 0 ? -1 : 0;
	free(l.v);
	return rc;
}

/* "N: a b, c d" from the non-zero counts, or "N". */
static int
counts_into(struct buf *b, const size_t *n, const char *const *what, size_t k)
{
	const char *sep = ": ";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < k; i++)
		if (n[i] > 0) {
			rc = buf_printf(b, "%s%zu %s", sep, n[i], what[i]);
			sep = ", ";
		}
	return rc;
}

/* The classes of the edges shown: how they are granted, then what else
 * applies to some of them. */
static int
edge_classes(struct buf *b, const struct reporttext_tally *t)
{
	const size_t n[] = { t->unconditional, t->conditional }, m[] = { t->indirect,
		t->caveated };
	static const char *const what[] = { "unconditional", "conditional" },
	    *const more[] = { "through another role", "with a VPC endpoint caveat" };
	const char *sep = "; of them ";
	int rc = counts_into(b, n, what, 2);

	for (size_t i = 0; rc == 0 && i < 2; i++)
		if (m[i] > 0) {
			rc = buf_printf(b, "%s%zu %s", sep, m[i], more[i]);
			sep = ", ";
		}
	return rc;
}

static int
filter_into(struct buf *b, const struct report_filter *f)
{
	const struct {
		const char *opt;
		const char *const *p;
		size_t n;
	} lists[] = { { "--account", f->accounts, f->naccounts },
		{ "--role", f->roles, f->nroles },
		{ "--principal", f->principals, f->nprincipals } };
	const char *sep = "";
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(lists) / sizeof(lists[0]); i++)
		for (size_t k = 0; rc == 0 && k < lists[i].n; k++) {
			rc = buf_printf(b, "%s%s ", sep, lists[i].opt) != 0 ? -1 :
			    esc(b, lists[i].p[k]);
			sep = ", ";
		}
	if (rc == 0)
		rc = buf_puts(b, " (the output only: every account was audited, compared "
		    "and saved)");
	return rc;
}

static int
summary(FILE *out, const struct reporttext_end *x)
{
	const struct audit_result *r = x->r;
	const struct report_filter *f = &x->view->filter;
	bool filtered = report_filter_active(f);
	size_t not_audited = 0, nk[5] = { 0 }, shown = 0;
	static const char *const kinds[] = { "gained", "lost", "changed",
		"privileged role added", "privileged role removed" };
	char when[21];
	struct buf b;
	int rc;

	for (size_t i = 0; i < r->cur->naccounts; i++)
		not_audited += !r->cur->accounts[i].audited;
	for (size_t i = 0; i < r->diff.n; i++)
		if (report_filter_change(f, &r->diff.entries[i])) {
			nk[r->diff.entries[i].kind]++;
			shown++;
		}
	buf_init(&b, 0);
	rc = fputs("\nSummary\n", out) == EOF ? -1 : 0;
	if (rc == 0 && filtered) {
		rc = filter_into(&b, f) != 0 || row(out, x->view->width, "Filter", &b) != 0 ? -1 : 0;
		buf_reset(&b);
	}
	if (rc == 0) {
		rc = buf_printf(&b, "%zu: %zu audited", r->cur->naccounts, r->audited);
		if (rc == 0 && not_audited > 0)
			rc = buf_printf(&b, ", %zu not audited", not_audited);
		if (rc == 0 && r->reused > 0)
			rc = buf_printf(&b, " (%zu unchanged since the last run, not evaluated "
			    "again)", r->reused);
		rc = rc != 0 || row(out, x->view->width, "Accounts", &b) != 0 ? -1 : 0;
		buf_reset(&b);
	}
	if (rc == 0) {
		if (x->tally != NULL && filtered)
			rc = buf_printf(&b, "%zu shown of %zu", x->tally->privileged, r->nprivileged);
		else
			rc = buf_printf(&b, "%zu", r->nprivileged);
		rc = rc != 0 || row(out, x->view->width, "Privileged roles", &b) != 0 ? -1 : 0;
		buf_reset(&b);
	}
	if (rc == 0) {
		if (x->tally != NULL && filtered)
			rc = buf_printf(&b, "%zu shown of %zu", x->tally->edges, r->nedges);
		else
			rc = buf_printf(&b, "%zu", r->nedges);
		if (rc == 0 && x->tally != NULL)
			rc = edge_classes(&b, x->tally);
		if (rc == 0 && x->tally != NULL && x->tally->roles > 0)
			rc = buf_printf(&b, "; to %zu role%s", x->tally->roles,
			    x->tally->roles == 1 ? "" : "s");
		rc = rc != 0 || row(out, x->view->width, "PassRole edges", &b) != 0 ? -1 : 0;
		buf_reset(&b);
	}
	if (rc == 0) {
		if (r->diff.baseline) {
			rc = buf_puts(&b, "none: this run is the baseline (no previous edge set)");
		} else {
			edgejson_time(r->prev_taken_at, when);
			rc = r->diff.n == 0 ? buf_puts(&b, "none") : filtered ?
			    buf_printf(&b, "%zu shown of %zu", shown, r->diff.n) :
			    buf_printf(&b, "%zu", r->diff.n);
			if (rc == 0)
				rc = buf_printf(&b, " since %s", when);
			if (rc == 0)
				rc = counts_into(&b, nk, kinds, 5);
		}
		rc = rc != 0 || row(out, x->view->width, "Changes", &b) != 0 ? -1 : 0;
		buf_reset(&b);
	}
	if (rc == 0) {
		rc = r->saved ? buf_printf(&b, "edge set %llu", (unsigned long long)r->seq) :
		    buf_puts(&b, "not saved");
		rc = rc != 0 || row(out, x->view->width, "State", &b) != 0 ? -1 : 0;
	}
	buf_free(&b);
	return rc;
}

/* The title of a change: who and what, shortened to the account. */
static int
change_title(struct buf *b, const struct diff_entry *en)
{
	const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;
	const struct edge_privileged *p = en->new_priv != NULL ? en->new_priv : en->old_priv;

	if (en->kind == DIFF_PRIV_ADDED || en->kind == DIFF_PRIV_REMOVED)
		return esc(b, short_arn(p->role_arn, NULL)) != 0 ||
		    buf_puts(b, en->kind == DIFF_PRIV_ADDED ? " is now privileged" :
		    " is no longer privileged") != 0 ? -1 : 0;
	return esc(b, nz(ed->account)) != 0 || buf_putc(b, ' ') != 0 ||
	    esc(b, short_arn(ed->principal_arn, ed->account)) != 0 ||
	    buf_puts(b, " -> ") != 0 || esc(b, short_arn(ed->role_arn, ed->account)) != 0 ? -1 : 0;
}

/* What is said under a change's title. */
/* "cause: managed-policy OrgBaseline (arn:...) in 210987654321: v1 -> v2
 * [verified]": an input change behind a change (cause.h). */
static int
cause_into(struct buf *b, const struct diff_cause *c)
{
	const char *ref = c->arn != NULL ? c->arn : c->id;
	int rc = buf_puts(b, "cause: ") != 0 || esc(b, c->kind) != 0 ? -1 : 0;

	if (rc == 0 && c->name != NULL)
		rc = buf_putc(b, ' ') != 0 || esc(b, c->name) != 0 ? -1 : 0;
	if (rc == 0 && ref != NULL && strutil_cmp(ref, c->name) != 0)
		rc = buf_puts(b, " (") != 0 || esc(b, ref) != 0 || buf_putc(b, ')') != 0 ? -1 : 0;
	if (rc == 0 && c->on != NULL)
		rc = buf_puts(b, " on ") != 0 || esc(b, c->on) != 0 ? -1 : 0;
	if (rc == 0 && c->account != NULL)
		rc = buf_puts(b, " in ") != 0 || esc(b, c->account) != 0 ? -1 : 0;
	if (rc == 0)
		rc = buf_puts(b, ": ") != 0 || esc(b, c->before != NULL ? c->before : "none") != 0 ||
		    buf_puts(b, " -> ") != 0 ||
		    esc(b, c->after != NULL ? c->after : "none") != 0 ||
		    buf_printf(b, " [%s]", !c->verified ? "not verified" : c->jointly ?
		    "verified jointly" : "verified") != 0 ? -1 : 0;
	return rc;
}

static int
change_details(struct items *it, const struct diff_entry *en)
{
	const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;
	struct buf b;
	int rc = 0;

	buf_init(&b, 0);
	switch (en->kind) {
	case DIFF_GAINED:
	case DIFF_LOST:
		rc = items_take(it, &b, buf_puts(&b, "services: ") != 0 ? -1 :
		    services_into(&b, ed));
		if (rc == 0 && ed->conditional && ed->conditions != NULL)
			rc = items_take(it, &b, buf_puts(&b, "if ") != 0 ? -1 :
			    esc(&b, ed->conditions));
		if (rc == 0 && ed->npath > 0)
			rc = items_take(it, &b, buf_puts(&b, "via ") != 0 ? -1 : path_into(&b, ed));
		break;
	case DIFF_CHANGED:
		rc = items_take(it, &b, esc(&b, en->what != NULL ? en->what : "?"));
		break;
	case DIFF_PRIV_ADDED:
		if (en->new_priv->nreasons > 0)
			rc = items_take(it, &b, esc(&b, en->new_priv->reasons[0]));
		break;
	case DIFF_PRIV_REMOVED:
		break;
	}
	for (size_t k = 0; rc == 0 && k < en->ncauses; k++)
		rc = items_take(it, &b, cause_into(&b, &en->causes[k]));
	if (rc == 0 && en->ncauses == 0 && en->causes_note != NULL)
		rc = items_take(it, &b, buf_puts(&b, "cause: unknown (") != 0 ||
		    esc(&b, en->causes_note) != 0 || buf_putc(&b, ')') != 0 ? -1 : 0);
	buf_free(&b);
	return rc;
}

/* One change: its kind and title, then its details indented under it. */
#define CHANGE_INDENT 11

static int
change_text(FILE *out, const struct diff_entry *en, unsigned width)
{
	bool priv = en->kind == DIFF_PRIV_ADDED || en->kind == DIFF_PRIV_REMOVED;
	struct items it = { NULL, 0 };
	struct lines l = { NULL, 0, 0 };
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = change_title(&b, en);
	if (rc == 0)
		rc = wrap(&l, buf_cstr(&b), width - CHANGE_INDENT, width - CHANGE_INDENT - 2, 2);
	for (size_t i = 0; rc == 0 && i < l.n; i++)
		rc = fprintf(out, "  %-8s %*s%.*s\n", i == 0 ? (priv ? "role" :
		    diff_kind_name(en->kind)) : "", (int)l.v[i].pad, "", (int)l.v[i].n,
		    l.v[i].p) < 0 ? -1 : 0;
	if (rc == 0)
		rc = change_details(&it, en);
	for (size_t i = 0; rc == 0 && i < it.n; i++)
		rc = put_wrapped(out, CHANGE_INDENT, width, 2, it.v[i]);
	items_free(&it);
	free(l.v);
	buf_free(&b);
	return rc;
}

static int
changes(FILE *out, const struct reporttext_end *x)
{
	const struct edge_diff *d = &x->r->diff;
	const struct report_filter *f = &x->view->filter;
	size_t shown = 0;
	char when[21];
	int rc = 0;

	if (d->baseline)
		return say(out, x->view->width, 0, "\nChanges: none (baseline: no previous edge "
		    "set to compare with)");
	for (size_t i = 0; i < d->n; i++)
		shown += report_filter_change(f, &d->entries[i]);
	edgejson_time(x->r->prev_taken_at, when);
	if (shown == 0)
		return say(out, x->view->width, 0, "\nChanges since %s: none%s", when, d->n > 0 ?
		    " shown (filter)" : "");
	if (say(out, x->view->width, 0, "\nChanges since %s: %zu", when, shown) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < d->n; i++)
		if (report_filter_change(f, &d->entries[i]))
			rc = change_text(out, &d->entries[i], x->view->width);
	return rc;
}

static int
not_audited(FILE *out, const struct reporttext_end *x)
{
	const struct edge_diff *d = &x->r->diff;
	size_t shown = 0;
	struct buf b;
	int rc = 0;

	for (size_t i = 0; i < d->nnot_audited; i++)
		shown += report_filter_account(&x->view->filter, d->not_audited[i].account);
	if (shown == 0)
		return 0;
	if (say(out, x->view->width, 0, "\nNot audited (not compared, never reported as "
	    "lost): %zu", shown) != 0)
		return -1;
	buf_init(&b, 0);
	for (size_t i = 0; rc == 0 && i < d->nnot_audited; i++) {
		const struct diff_not_audited *n = &d->not_audited[i];

		if (!report_filter_account(&x->view->filter, n->account))
			continue;
		buf_reset(&b);
		rc = esc(&b, n->account) != 0 || buf_puts(&b, n->previous ?
		    ": this run is its baseline; previous run: " : ": ") != 0 ||
		    esc(&b, n->why) != 0 || put_wrapped(out, 2, x->view->width, 2,
		    buf_cstr(&b)) != 0 ? -1 : 0;
	}
	buf_free(&b);
	return rc;
}

static int
head(FILE *out, const struct reporttext_end *x)
{
	const struct edge_set *s = x->r->cur;
	char when[21];
	struct buf b;
	int rc;

	edgejson_time(s->taken_at, when);
	buf_init(&b, 0);
	rc = buf_puts(&b, "Audit of ") != 0 || esc(&b, nz(s->source)) != 0 ||
	    buf_printf(&b, " at %s: %s", when, x->r->complete ? "complete" :
	    "INCOMPLETE (see below)") != 0 || put_wrapped(out, 0, x->view->width, 2,
	    buf_cstr(&b)) != 0 ? -1 : 0;
	if (rc == 0 && s->org_note != NULL) {
		buf_reset(&b);
		rc = buf_puts(&b, "Note: ") != 0 || esc(&b, s->org_note) != 0 ||
		    put_wrapped(out, 0, x->view->width, 2, buf_cstr(&b)) != 0 ? -1 : 0;
	}
	buf_free(&b);
	return rc;
}

int
reporttext_finish(FILE *out, const struct reporttext_end *x, struct err *e)
{
	const struct audit_result *r = x->r;
	int rc;

	rc = head(out, x);
	if (rc == 0)
		rc = summary(out, x);
	if (rc == 0 && x->scope != REPORT_SUMMARY)
		rc = changes(out, x);
	if (rc == 0 && x->scope == REPORT_ALL) {
		size_t n = x->tally != NULL ? x->tally->edges : r->nedges;

		rc = say(out, x->view->width, 0, "\nPassRole edges to privileged roles, by "
		    "role: %zu", n);
		if (rc == 0 && report_copy_spool(out, x->edges, e) != 0)
			return -1;
		if (rc == 0)
			rc = fprintf(out, "\nPrivileged roles: %zu\n", x->tally != NULL ?
			    x->tally->privileged : r->nprivileged) < 0 ? -1 : 0;
		if (rc == 0 && report_copy_spool(out, x->priv, e) != 0)
			return -1;
	}
	if (rc == 0)
		rc = not_audited(out, x);
	if (rc != 0 || fflush(out) != 0 || ferror(out)) {
		err_set(e, "cannot write the report: %s", errno != 0 ? strerror(errno) :
		    "out of memory");
		return -1;
	}
	return 0;
}

int
reporttext_privileged(FILE *out, const struct edge_set *s, unsigned width, struct err *e)
{
	char when[21];
	struct buf b;
	int rc;

	edgejson_time(s->taken_at, when);
	buf_init(&b, 0);
	rc = buf_puts(&b, "Privileged roles in ") != 0 || esc(&b, nz(s->source)) != 0 ||
	    buf_printf(&b, " at %s", when) != 0 ||
	    put_wrapped(out, 0, width, 2, buf_cstr(&b)) != 0 ? -1 : 0;
	if (rc == 0 && s->org_note != NULL) {
		buf_reset(&b);
		rc = buf_puts(&b, "Note: ") != 0 || esc(&b, s->org_note) != 0 ||
		    put_wrapped(out, 0, width, 2, buf_cstr(&b)) != 0 ? -1 : 0;
	}
	for (size_t i = 0; rc == 0 && i < s->naccounts; i++)
		if (!s->accounts[i].audited) {
			buf_reset(&b);
			rc = buf_puts(&b, "Not audited: ") != 0 || esc(&b, s->accounts[i].id) != 0 ||
			    buf_puts(&b, ": ") != 0 || esc(&b, nz(s->accounts[i].why)) != 0 ||
			    put_wrapped(out, 0, width, 2, buf_cstr(&b)) != 0 ? -1 : 0;
		}
	if (rc == 0)
		rc = fprintf(out, "\nPrivileged roles: %zu\n", s->nprivileged) < 0 ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < s->nprivileged; i++)
		rc = privileged_text(out, &s->privileged[i], 0, width);
	buf_free(&b);
	if (rc != 0 || fflush(out) != 0 || ferror(out)) {
		err_set(e, "cannot write the report: %s", errno != 0 ? strerror(errno) :
		    "out of memory");
		return -1;
	}
	return 0;
}
