/*
 * The state directory: numbered edge files, written atomically, pruned to
 * the newest N, under a lock. See state.h for the layout and the rules.
 */
#include "config.h"

#include "audit/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/edgejson.h"
#include "log.h"
#include "util/buf.h"
#include "util/fileio.h"

#define STATE_PREFIX "edges-"
#define STATE_SUFFIX ".json"
#define STATE_TMP_PREFIX ".edges-"
/* snapjson_save's temporary files for snapshot.json, left by a kill. */
#define STATE_SNAPSHOT_TMP "snapshot.json.tmp."
#define STATE_LOCK "edges.lock"

struct state {
	char *dir;
	int dirfd;
	int lockfd;
	bool locked;
};

struct state *
state_open(const char *dir, struct err *e)
{
	struct state *st = calloc(1, sizeof(*st));
	struct stat sb;

	if (st == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	st->dirfd = st->lockfd = -1;
	st->dir = strdup(dir);
	if (st->dir == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		err_set(e, "state directory %s: cannot create: %s", dir, strerror(errno));
		goto fail;
	}
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0) {
		err_set(e, "state directory %s: cannot open: %s", dir, strerror(errno));
		goto fail;
	}
	if (fstat(st->dirfd, &sb) == 0 && (sb.st_mode & 077) != 0)
		log_warn("state directory %s is accessible to group or others (mode %03o); "
		    "0700 is advised", dir, (unsigned)(sb.st_mode & 0777));
	st->lockfd = openat(st->dirfd, STATE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (st->lockfd < 0) {
		err_set(e, "%s/%s: cannot open: %s", dir, STATE_LOCK, strerror(errno));
		goto fail;
	}
	return st;
fail:
	state_close(st);
	return NULL;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	state_unlock(st);
	if (st->lockfd >= 0)
		close(st->lockfd);
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st->dir);
	free(st);
}

/* The pid the holder wrote into the lock file, or 0. */
static long
lock_holder(int fd)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return 0;
	b[n] = '\0';
	return strtol(b, NULL, 10);
}

int
state_lock(struct state *st, int wait_s, const volatile sig_atomic_t *stop, struct err *e)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	long tries = (long)wait_s * 10;
	char pid[32];
	int n;

	if (st->locked)
		return 0;
	for (;;) {
		if (flock(st->lockfd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			err_set(e, "%s/%s: cannot lock: %s", st->dir, STATE_LOCK, strerror(errno));
			return -1;
		}
		if (stop != NULL && *stop) {
			err_set(e, "interrupted while waiting for the lock of %s", st->dir);
			return -1;
		}
		if (tries-- <= 0) {
			long holder = lock_holder(st->lockfd);

			if (holder > 0)
				err_set(e, "state directory %s is locked by process %ld "
				    "(another audit is saving its results)", st->dir, holder);
			else
				err_set(e, "state directory %s is locked by another process",
				    st->dir);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	st->locked = true;
	/* Only for the message another run prints; the lock is the flock. */
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(st->lockfd, 0) != 0 || pwrite(st->lockfd, pid, (size_t)n, 0) != n)
		log_debug("%s/%s: cannot record the pid: %s", st->dir, STATE_LOCK,
		    strerror(errno));
	return 0;
}

void
state_unlock(struct state *st)
{
	if (st == NULL || !st->locked)
		return;
	if (ftruncate(st->lockfd, 0) != 0)
		log_debug("%s/%s: cannot clear the pid: %s", st->dir, STATE_LOCK, strerror(errno));
	flock(st->lockfd, LOCK_UN);
	st->locked = false;
}

void
state_file_name(const struct state *st, uint64_t seq, char *buf, size_t n)
{
	snprintf(buf, n, "%s/" STATE_PREFIX "%010" PRIu64 STATE_SUFFIX, st->dir, seq);
}

/* "edges-<digits>.json" -> seq; false for any other name. */
static bool
parse_name(const char *name, const char *prefix, const char *suffix, uint64_t *seq)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), nl = strlen(name), dl;
	uint64_t v = 0;

	if (nl <= pl + sl || strncmp(name, prefix, pl) != 0 ||
	    strcmp(name + nl - sl, suffix) != 0)
		return false;
	dl = nl - pl - sl;
	if (dl > 19)
		return false;
	for (size_t i = 0; i < dl; i++) {
		char c = name[pl + i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (uint64_t)(c - '0');
	}
	*seq = v;
	return v > 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Names in the directory: edge files (into seqs) and leftover temp files
 * (into tmps, if not NULL; names the caller frees). */
static int
scan(struct state *st, uint64_t **seqs, size_t *n, char ***tmps, size_t *ntmps,
    struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = -1, fd;

	*seqs = NULL;
	*n = 0;
	if (tmps != NULL)
		*tmps = NULL, *ntmps = 0;
	fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		err_set(e, "state directory %s: cannot list: %s", st->dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (;;) {
		uint64_t seq;

		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0) {
				err_set(e, "state directory %s: cannot list: %s", st->dir,
				    strerror(errno));
				goto out;
			}
			break;
		}
		if (parse_name(de->d_name, STATE_PREFIX, STATE_SUFFIX, &seq)) {
			uint64_t *g = realloc(*seqs, (*n + 1) * sizeof(**seqs));

			if (g == NULL)
				goto oom;
			*seqs = g;
			(*seqs)[(*n)++] = seq;
		} else if (tmps != NULL && (strncmp(de->d_name, STATE_TMP_PREFIX,
		    strlen(STATE_TMP_PREFIX)) == 0 || strncmp(de->d_name, STATE_SNAPSHOT_TMP,
		    strlen(STATE_SNAPSHOT_TMP)) == 0)) {
			char **g = realloc(*tmps, (*ntmps + 1) * sizeof(**tmps));

			if (g == NULL)
				goto oom;
			*tmps = g;
			if (((*tmps)[*ntmps] = strdup(de->d_name)) == NULL)
				goto oom;
			(*ntmps)++;
		}
	}
	if (*n > 1)
		qsort(*seqs, *n, sizeof(**seqs), cmp_u64);
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory listing %s", st->dir);
out:
	closedir(d);
	if (rc != 0) {
		free(*seqs);
		*seqs = NULL;
		*n = 0;
		if (tmps != NULL) {
			for (size_t i = 0; i < *ntmps; i++)
				free((*tmps)[i]);
			free(*tmps);
			*tmps = NULL;
			*ntmps = 0;
		}
	}
	return rc;
}

int
state_list(struct state *st, uint64_t **seqs, size_t *n, struct err *e)
{
	return scan(st, seqs, n, NULL, NULL, e);
}

int
state_load(struct state *st, struct edge_set **out, uint64_t *seq, struct err *e)
{
	uint64_t *seqs = NULL;
	size_t n = 0;
	char path[PATH_MAX];
	int rc = -1;

	*out = NULL;
	if (seq != NULL)
		*seq = 0;
	if (!st->locked) {
		err_set(e, "internal error: state_load without the lock of %s", st->dir);
		return -1;
	}
	if (scan(st, &seqs, &n, NULL, NULL, e) != 0)
		return -1;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	state_file_name(st, seqs[n - 1], path, sizeof(path));
	*out = edgejson_read_file(path, e);
	if (*out == NULL) {
		if (n > 1)
			err_prefix(e, "the newest saved edge set is unreadable; nothing is "
			    "saved until it is repaired or moved aside (the previous one, "
			    "edges-%010" PRIu64 ".json, is kept)", seqs[n - 2]);
		else
			err_prefix(e, "the saved edge set is unreadable; nothing is saved "
			    "until it is repaired or moved aside");
		goto out;
	}
	if (seq != NULL)
		*seq = seqs[n - 1];
	rc = 0;
out:
	free(seqs);
	return rc;
}

/* Drop all but the newest keep edge files and any leftover temp file.
 * Failing here loses nothing (the new file is saved): a warning. */
static void
prune(struct state *st, int keep)
{
	uint64_t *seqs = NULL;
	char **tmps = NULL;
	size_t n = 0, ntmps = 0;
	char name[64];
	struct err e;
	bool changed = false;

	if (scan(st, &seqs, &n, &tmps, &ntmps, &e) != 0) {
		log_warn("%s", e.msg);
		return;
	}
	for (size_t i = 0; i + (size_t)keep < n; i++) {
		snprintf(name, sizeof(name), STATE_PREFIX "%010" PRIu64 STATE_SUFFIX, seqs[i]);
		if (unlinkat(st->dirfd, name, 0) != 0)
			log_warn("%s/%s: cannot remove an old edge set: %s", st->dir, name,
			    strerror(errno));
		changed = true;
	}
	for (size_t i = 0; i < ntmps; i++) {
		if (unlinkat(st->dirfd, tmps[i], 0) != 0)
			log_warn("%s/%s: cannot remove a leftover temporary file: %s",
			    st->dir, tmps[i], strerror(errno));
		changed = true;
		free(tmps[i]);
	}
	if (changed && fsync(st->dirfd) != 0)
		log_warn("state directory %s: fsync: %s", st->dir, strerror(errno));
	free(tmps);
	free(seqs);
}

int
state_save(struct state *st, const struct edge_set *s, int keep, uint64_t *seq,
    struct err *e)
{
	uint64_t *seqs = NULL, next;
	size_t n = 0;
	char tmp[64], name[64];
	struct buf b;
	int rc = -1;

	buf_init(&b, EDGEJSON_MAX_BYTES);
	if (!st->locked) {
		err_set(e, "internal error: state_save without the lock of %s", st->dir);
		goto out;
	}
	if (keep < 1) {
		err_set(e, "internal error: state_save keep %d", keep);
		goto out;
	}
	if (scan(st, &seqs, &n, NULL, NULL, e) != 0)
		goto out;
	next = n > 0 ? seqs[n - 1] + 1 : 1;
	if (edgejson_write(s, &b, e) != 0)
		goto out;
	snprintf(tmp, sizeof(tmp), STATE_TMP_PREFIX "%010" PRIu64 ".tmp", next);
	snprintf(name, sizeof(name), STATE_PREFIX "%010" PRIu64 STATE_SUFFIX, next);
	/* A temp file of this number is a save killed before its rename;
	 * we hold the lock, so nobody else is writing it, and
	 * fileio_save_at may remove it. */
	if (fileio_save_data_at(st->dirfd, st->dir, name, tmp, b.data, b.len, e) != 0)
		goto out;
	if (seq != NULL)
		*seq = next;
	prune(st, keep);
	rc = 0;
out:
	free(seqs);
	buf_free(&b);
	return rc;
}

int
state_write_file(const char *path, const struct edge_set *s, struct err *e)
{
	struct buf b;
	int rc = -1;

	buf_init(&b, EDGEJSON_MAX_BYTES);
	if (edgejson_write(s, &b, e) != 0)
		goto out;
	rc = fileio_save_data(path, b.data, b.len, e);
out:
	buf_free(&b);
	return rc;
}

/* ---- merge ---- */

static int
dup_str(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	*out = strdup(s);
	return *out != NULL ? 0 : -1;
}

static int
dup_strv(char *const *v, size_t n, char ***out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (dup_str(v[i], &(*out)[i]) != 0)
			return -1;
		*nout = i + 1;
	}
	return 0;
}

/* A deep copy into *d (zeroed); on -1, *d holds what was copied and is
 * freed with edge_clear. */
static int
copy_edge(struct edge *d, const struct edge *s)
{
	d->no_service = s->no_service;
	d->conditional = s->conditional;
	if (dup_str(s->principal_arn, &d->principal_arn) != 0 ||
	    dup_str(s->principal_type, &d->principal_type) != 0 ||
	    dup_str(s->account, &d->account) != 0 ||
	    dup_str(s->role_arn, &d->role_arn) != 0 ||
	    dup_strv(s->services, s->nservices, &d->services, &d->nservices) != 0 ||
	    dup_str(s->conditions, &d->conditions) != 0 ||
	    dup_str(s->reason, &d->reason) != 0)
		return -1;
	if (s->npath > 0) {
		d->path = calloc(s->npath, sizeof(*d->path));
		if (d->path == NULL)
			return -1;
		for (size_t i = 0; i < s->npath; i++) {
			d->npath = i + 1;
			if (dup_str(s->path[i].kind, &d->path[i].kind) != 0 ||
			    dup_str(s->path[i].arn, &d->path[i].arn) != 0 ||
			    dup_str(s->path[i].via_service, &d->path[i].via_service) != 0)
				return -1;
		}
	}
	if (s->ncaveats > 0) {
		d->caveats = calloc(s->ncaveats, sizeof(*d->caveats));
		if (d->caveats == NULL)
			return -1;
		for (size_t i = 0; i < s->ncaveats; i++) {
			const struct edge_caveat *c = &s->caveats[i];
			struct edge_caveat *dc = &d->caveats[i];

			d->ncaveats = i + 1;
			if (dup_str(c->endpoint_id, &dc->endpoint_id) != 0 ||
			    dup_str(c->region, &dc->region) != 0 ||
			    dup_str(c->service_name, &dc->service_name) != 0 ||
			    dup_str(c->message, &dc->message) != 0)
				return -1;
		}
	}
	return 0;
}

/* Growing the new set's arrays one element at a time: the element is
 * zeroed and counted before it is filled, so edge_set_free can always
 * release a half-copied set. */
static void *
grow(void **arr, size_t *n, size_t size)
{
	char *g = realloc(*arr, (*n + 1) * size);

	if (g == NULL)
		return NULL;
	*arr = g;
	memset(g + *n * size, 0, size);
	return g + (*n)++ * size;
}

static int
add_edge(struct edge_set *d, const struct edge *s)
{
	struct edge *ed = grow((void **)&d->edges, &d->nedges, sizeof(*d->edges));

	return ed != NULL ? copy_edge(ed, s) : -1;
}

static int
add_priv(struct edge_set *d, const struct edge_privileged *s)
{
	struct edge_privileged *p = grow((void **)&d->privileged, &d->nprivileged,
	    sizeof(*d->privileged));

	if (p == NULL)
		return -1;
	return dup_str(s->role_arn, &p->role_arn) != 0 ||
	    dup_str(s->account, &p->account) != 0 ||
	    dup_strv(s->reasons, s->nreasons, &p->reasons, &p->nreasons) != 0 ? -1 : 0;
}

static int
add_account(struct edge_set *d, const struct edge_account *s, time_t known_at)
{
	struct edge_account *a = grow((void **)&d->accounts, &d->naccounts,
	    sizeof(*d->accounts));

	if (a == NULL)
		return -1;
	a->audited = s->audited;
	a->org_unknown = s->org_unknown;
	a->known_at = known_at;
	return dup_str(s->id, &a->id) != 0 || dup_str(s->why, &a->why) != 0 ? -1 : 0;
}

static bool
in_list(const char *id, char *const *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (id != NULL && strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* Keep prev's edges for this account rather than cur's? */
static bool
carry(const struct edge_account *ca, const struct edge_account *pa)
{
	if (pa == NULL || !pa->audited)
		return false;
	if (!ca->audited)
		return true;
	/* Edges computed without the SCPs are weaker knowledge than edges
	 * computed with them: keep the latter until the SCPs are read. */
	return ca->org_unknown && !pa->org_unknown;
}

struct edge_set *
state_merge(const struct edge_set *prev, const struct edge_set *cur, struct err *e)
{
	struct edge_set *d = edge_set_new(e);
	char **carried = NULL;	/* borrowed ids */
	size_t ncarried = 0;

	if (d == NULL)
		return NULL;
	d->taken_at = cur->taken_at;
	if (dup_str(cur->source, &d->source) != 0 || dup_str(cur->org_note, &d->org_note) != 0)
		goto oom;
	carried = calloc(cur->naccounts + (prev != NULL ? prev->naccounts : 0) + 1,
	    sizeof(*carried));
	if (carried == NULL)
		goto oom;
	for (size_t i = 0; i < cur->naccounts; i++) {
		const struct edge_account *ca = &cur->accounts[i];
		const struct edge_account *pa = prev != NULL ? edge_set_account(prev, ca->id) : NULL;

		if (carry(ca, pa)) {
			if (add_account(d, pa, pa->known_at != 0 ? pa->known_at :
			    prev->taken_at) != 0)
				goto oom;
			carried[ncarried++] = ca->id;
		} else if (add_account(d, ca, 0) != 0) {
			goto oom;
		}
	}
	/* An account missing from cur left the scope, unless cur could not
	 * read the organization and so does not know the account list. */
	for (size_t i = 0; prev != NULL && cur->org_note != NULL && i < prev->naccounts; i++) {
		const struct edge_account *pa = &prev->accounts[i];

		if (edge_set_account(cur, pa->id) != NULL || !pa->audited)
			continue;
		if (add_account(d, pa, pa->known_at != 0 ? pa->known_at : prev->taken_at) != 0)
			goto oom;
		carried[ncarried++] = pa->id;
	}
	for (size_t i = 0; i < cur->nedges; i++)
		if (!in_list(cur->edges[i].account, carried, ncarried) &&
		    add_edge(d, &cur->edges[i]) != 0)
			goto oom;
	for (size_t i = 0; i < cur->nprivileged; i++)
		if (!in_list(cur->privileged[i].account, carried, ncarried) &&
		    add_priv(d, &cur->privileged[i]) != 0)
			goto oom;
	for (size_t i = 0; prev != NULL && i < prev->nedges; i++)
		if (in_list(prev->edges[i].account, carried, ncarried) &&
		    add_edge(d, &prev->edges[i]) != 0)
			goto oom;
	for (size_t i = 0; prev != NULL && i < prev->nprivileged; i++)
		if (in_list(prev->privileged[i].account, carried, ncarried) &&
		    add_priv(d, &prev->privileged[i]) != 0)
			goto oom;
	free(carried);
	edge_set_sort(d);
	return d;
oom:
	err_set(e, "out of memory merging the edge sets");
	free(carried);
	edge_set_free(d);
	return NULL;
}
