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

#include <cjson/cJSON.h>

#include "audit/edgejson.h"
#include "audit/edgepack.h"
#include "log.h"
#include "util/strutil.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/lockfile.h"

#define STATE_PREFIX "edges-"
#define STATE_SUFFIX ".json"
#define STATE_TMP_PREFIX ".edges-"
/* snapjson_save's temporary files for snapshot.json, left by a kill. */
#define STATE_SNAPSHOT_TMP "snapshot.json.tmp."
#define STATE_LOCK "edges.lock"
#define STATE_RUN_FORMAT "passrole-auditd-state"
#define STATE_RUN_VERSION 2

struct state {
	char *dir;
	int dirfd;
	int lockfd;
	bool locked;
};

int
state_owner_check(const char *dir, const struct stat *sb, struct err *e)
{
	/*
	 * Files this process writes are owned by it and mode 0600: written
	 * into another user's directory (a root-run manual audit on the
	 * service's state) they would lock that user out of its own state.
	 * Refused before anything is written, with the two ways out.
	 */
	if (sb->st_uid == geteuid())
		return 0;
	err_set(e, "state directory %s is owned by uid %ld, and this process runs as uid "
	    "%ld: run it as the owner (e.g. systemctl start passrole-auditd-oneshot.service, "
	    "or sudo -u '#%ld' passrole-auditd ...), or give the directory to this user "
	    "with chown -R %ld %s", dir, (long)sb->st_uid, (long)geteuid(),
	    (long)sb->st_uid, (long)geteuid(), dir);
	return -1;
}

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
	if (fstat(st->dirfd, &sb) != 0) {
		err_set(e, "state directory %s: cannot stat: %s", dir, strerror(errno));
		goto fail;
	}
	if (state_owner_check(dir, &sb, e) != 0)
		goto fail;
	if ((sb.st_mode & 077) != 0)
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

int
state_lock(struct state *st, int wait_s, const volatile sig_atomic_t *stop, struct err *e)
{
	char pid[32], what[PATH_MAX + 32];
	int n;

	if (st->locked)
		return 0;
	snprintf(what, sizeof(what), "state directory %s", st->dir);
	if (lockfile_take(st->lockfd, what, "another audit is running or saving its results",
	    wait_s, stop, e) != 0)
		return -1;
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

/* ------------------------------------------------------------ listing */

#define STATE_GEN_PREFIX "gen-"
#define STATE_GEN_TMP_PREFIX ".gen-"
#define STATE_RUN_FILE "run.json"
#define STATE_EDGES_SUFFIX ".edges.json"
#define STATE_INPUTS_SUFFIX ".inputs.json"
#define STATE_ORG_INPUTS "org" STATE_INPUTS_SUFFIX
#define STATE_RUN_MAX ((size_t)64 << 20)

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

/* A saved run: a generation directory, or a version 1 edge file. */
struct item {
	uint64_t seq;
	bool legacy;
};

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->seq != y->seq)
		return (x->seq > y->seq) - (x->seq < y->seq);
	/* A generation beats an old file of the same number. */
	return (int)y->legacy - (int)x->legacy;
}

static void
item_name(const struct item *it, char *buf, size_t n)
{
	if (it->legacy)
		snprintf(buf, n, STATE_PREFIX "%010" PRIu64 STATE_SUFFIX, it->seq);
	else
		snprintf(buf, n, STATE_GEN_PREFIX "%010" PRIu64, it->seq);
}

static bool
is_tmp_name(const char *n)
{
	return strncmp(n, STATE_TMP_PREFIX, strlen(STATE_TMP_PREFIX)) == 0 ||
	    strncmp(n, STATE_SNAPSHOT_TMP, strlen(STATE_SNAPSHOT_TMP)) == 0 ||
	    strncmp(n, STATE_GEN_TMP_PREFIX, strlen(STATE_GEN_TMP_PREFIX)) == 0;
}

/* The saved runs in the directory, ascending, and the leftover temporary
 * files and directories (into tmps, if not NULL; names the caller frees). */
static int
scan(struct state *st, struct item **items, size_t *n, char ***tmps, size_t *ntmps,
    struct err *e)
{
	DIR *d;
	struct dirent *de;
	int rc = -1, fd;

	*items = NULL;
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
		struct item it;

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
		it.legacy = parse_name(de->d_name, STATE_PREFIX, STATE_SUFFIX, &it.seq);
		if (it.legacy || parse_name(de->d_name, STATE_GEN_PREFIX, "", &it.seq)) {
			struct item *g = realloc(*items, (*n + 1) * sizeof(**items));

			if (g == NULL)
				goto oom;
			*items = g;
			(*items)[(*n)++] = it;
		} else if (tmps != NULL && is_tmp_name(de->d_name)) {
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
		qsort(*items, *n, sizeof(**items), cmp_item);
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory listing %s", st->dir);
out:
	closedir(d);
	if (rc != 0) {
		free(*items);
		*items = NULL;
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

void
state_file_name(const struct state *st, uint64_t seq, char *buf, size_t n)
{
	snprintf(buf, n, "%s/" STATE_GEN_PREFIX "%010" PRIu64, st->dir, seq);
}

int
state_list(struct state *st, uint64_t **seqs, size_t *n, struct err *e)
{
	struct item *items = NULL;
	size_t ni = 0;

	*seqs = NULL;
	*n = 0;
	if (scan(st, &items, &ni, NULL, NULL, e) != 0)
		return -1;
	if (ni > 0 && (*seqs = calloc(ni, sizeof(**seqs))) == NULL) {
		free(items);
		err_set(e, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ni; i++)
		if (*n == 0 || (*seqs)[*n - 1] != items[i].seq)
			(*seqs)[(*n)++] = items[i].seq;
	free(items);
	return 0;
}

/* Remove a directory of plain files (a generation, or a temporary one). */
static int
remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) != 0)
			rc = -1;
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) != 0)
		rc = -1;
	return rc;
}

/* Drop all but the newest keep saved runs and any leftover temporary file
 * or directory. Failing here loses nothing (the new run is saved): a
 * warning. */
static void
prune(struct state *st, int keep)
{
	struct item *items = NULL;
	char **tmps = NULL;
	size_t n = 0, ntmps = 0;
	char name[64];
	struct err e;
	bool changed = false;

	if (scan(st, &items, &n, &tmps, &ntmps, &e) != 0) {
		log_warn("%s", e.msg);
		return;
	}
	for (size_t i = 0; i + (size_t)keep < n; i++) {
		char gone[80];
		int r;

		item_name(&items[i], name, sizeof(name));
		if (items[i].legacy) {
			r = unlinkat(st->dirfd, name, 0);
		} else {
			/* Renamed out of the numbered names first, so that a
			 * kill while its files are removed leaves a temporary
			 * directory (removed next time), never a saved run with
			 * files missing. */
			snprintf(gone, sizeof(gone), STATE_GEN_TMP_PREFIX "%010" PRIu64 ".old",
			    items[i].seq);
			r = renameat(st->dirfd, name, st->dirfd, gone);
			if (r == 0)
				r = remove_tree(st->dirfd, gone);
		}
		if (r != 0)
			log_warn("%s/%s: cannot remove an old saved run: %s", st->dir, name,
			    strerror(errno));
		changed = true;
	}
	for (size_t i = 0; i < ntmps; i++) {
		struct stat sb;
		int r;

		if (fstatat(st->dirfd, tmps[i], &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(sb.st_mode))
			r = remove_tree(st->dirfd, tmps[i]);
		else
			r = unlinkat(st->dirfd, tmps[i], 0);
		if (r != 0)
			log_warn("%s/%s: cannot remove a leftover temporary file: %s",
			    st->dir, tmps[i], strerror(errno));
		changed = true;
		free(tmps[i]);
	}
	if (changed && fsync(st->dirfd) != 0)
		log_warn("state directory %s: fsync: %s", st->dir, strerror(errno));
	free(tmps);
	free(items);
}

/* ------------------------------------------------------- a saved run */


void
state_run_free(struct state_run *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->naccounts; i++)
		free(r->accounts[i].id), free(r->accounts[i].why);
	free(r->accounts);
	free(r->source);
	free(r->org_note);
	edge_set_free(r->set);
	edgestream_close(r->file);
	free(r);
}

const struct state_account *
state_run_account(const struct state_run *r, const char *id)
{
	size_t lo = 0, hi = r != NULL ? r->naccounts : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->accounts[mid].id, id);

		if (c == 0)
			return &r->accounts[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
cmp_state_account(const void *a, const void *b)
{
	return strcmp(((const struct state_account *)a)->id,
	    ((const struct state_account *)b)->id);
}

/* An account id names files: only what AWS uses in one. */
static bool
safe_id(const char *id)
{
	size_t n = 0;

	for (const char *p = id; *p != '\0'; p++, n++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '_'))
			return false;
	return n > 0 && n <= 64;
}

/* r's head and account records from h (sorted by id after), with each
 * account's counts as set or file holds them (one is NULL). -1 on
 * ENOMEM. */
static int
run_fill(struct state_run *r, const struct edge_set *h, const struct edge_set *set,
    const struct edgestream *file)
{
	r->taken_at = h->taken_at;
	if ((h->source != NULL && (r->source = strdup(h->source)) == NULL) ||
	    (h->org_note != NULL && (r->org_note = strdup(h->org_note)) == NULL))
		return -1;
	if (h->naccounts > 0 && (r->accounts = calloc(h->naccounts, sizeof(*r->accounts))) == NULL)
		return -1;
	for (size_t i = 0; i < h->naccounts; i++) {
		struct state_account *a = &r->accounts[r->naccounts++];
		const struct edge_account *ea = &h->accounts[i];

		a->audited = ea->audited;
		a->org_unknown = ea->org_unknown;
		a->known_at = ea->known_at;
		if (file != NULL) {
			a->nedges = edgestream_count_edges(file, ea->id);
			a->nprivileged = edgestream_count_privileged(file, ea->id);
		}
		for (size_t j = 0; set != NULL && j < set->nedges; j++)
			a->nedges += strutil_cmp(set->edges[j].account, ea->id) == 0;
		for (size_t j = 0; set != NULL && j < set->nprivileged; j++)
			a->nprivileged += strutil_cmp(set->privileged[j].account, ea->id) == 0;
		if ((a->id = strdup(ea->id)) == NULL ||
		    (ea->why != NULL && (a->why = strdup(ea->why)) == NULL))
			return -1;
	}
	qsort(r->accounts, r->naccounts, sizeof(*r->accounts), cmp_state_account);
	return 0;
}

struct state_run *
state_run_from_set(struct edge_set *s, uint64_t seq, struct err *e)
{
	struct state_run *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		err_set(e, "out of memory");
		edge_set_free(s);
		return NULL;
	}
	r->seq = seq;
	r->set = s;
	if (run_fill(r, s, s, NULL) != 0) {
		err_set(e, "out of memory");
		state_run_free(r);
		return NULL;
	}
	return r;
}

struct state_run *
state_run_from_file(const char *path, struct err *e)
{
	struct state_run *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	if ((r->file = edgestream_open(path, e)) == NULL)
		goto fail;
	if (run_fill(r, edgestream_head(r->file), NULL, r->file) != 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	return r;
fail:
	state_run_free(r);
	return NULL;
}

static int
rd_time(const cJSON *v, time_t *out)
{
	struct tm tm;
	const char *end;
	char back[21];

	*out = 0;
	if (cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return -1;
	memset(&tm, 0, sizeof(tm));
	end = strptime(v->valuestring, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	/* As the version 1 reader: strptime takes "12:0" and 02-30, which
	 * timegm normalises; only the canonical text of a time after 1970
	 * is one this program wrote. */
	edgejson_time(*out, back);
	if (*out <= 0 || strcmp(back, v->valuestring) != 0)
		return -1;
	return 0;
}

static const char *
rd_optstr(const cJSON *o, const char *key, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (cJSON_IsString(v))
		return v->valuestring;
	if (!cJSON_IsNull(v))
		*bad = true;
	return NULL;
}

/* run.json of generation seq. */
static struct state_run *
run_read(struct state *st, uint64_t seq, struct err *e)
{
	struct state_run *r = NULL;
	char rel[96], path[PATH_MAX + 96], where[64];
	struct buf b;
	cJSON *root = NULL;
	const cJSON *v, *accts, *it;
	bool bad = false;
	const char *s;
	size_t k = 0;

	buf_init(&b, STATE_RUN_MAX);
	snprintf(rel, sizeof(rel), STATE_GEN_PREFIX "%010" PRIu64 "/" STATE_RUN_FILE, seq);
	snprintf(path, sizeof(path), "%s/%s", st->dir, rel);
	if (fileio_read(st->dirfd, rel, FILEIO_NOFOLLOW, STATE_RUN_MAX, &b, e) != 0)
		goto fail;
	if ((root = cJSON_ParseWithLength(b.data != NULL ? b.data : "", b.len)) == NULL ||
	    !cJSON_IsObject(root)) {
		err_set(e, "%s: not a JSON object (damaged?)", path);
		goto fail;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "format");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, STATE_RUN_FORMAT) != 0) {
		err_set(e, "%s: format: must be \"" STATE_RUN_FORMAT "\"", path);
		goto fail;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(v) || v->valuedouble != STATE_RUN_VERSION) {
		err_set(e, "%s: version: must be %d", path, STATE_RUN_VERSION);
		goto fail;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto oom;
	r->seq = seq;
	if (rd_time(cJSON_GetObjectItemCaseSensitive(root, "taken_at"), &r->taken_at) != 0) {
		err_set(e, "%s: taken_at: must be a time", path);
		goto fail;
	}
	if ((s = rd_optstr(root, "source", &bad)) != NULL && (r->source = strdup(s)) == NULL)
		goto oom;
	if ((s = rd_optstr(root, "org_note", &bad)) != NULL && (r->org_note = strdup(s)) == NULL)
		goto oom;
	if (bad) {
		err_set(e, "%s: source, org_note: must be strings or null", path);
		goto fail;
	}
	accts = cJSON_GetObjectItemCaseSensitive(root, "accounts");
	if (!cJSON_IsArray(accts)) {
		err_set(e, "%s: accounts: must be an array", path);
		goto fail;
	}
	if (cJSON_GetArraySize(accts) > 0 &&
	    (r->accounts = calloc((size_t)cJSON_GetArraySize(accts), sizeof(*r->accounts))) == NULL)
		goto oom;
	cJSON_ArrayForEach(it, accts) {
		struct state_account *a = &r->accounts[k];
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		const cJSON *au = cJSON_GetObjectItemCaseSensitive(it, "audited");
		const cJSON *ou = cJSON_GetObjectItemCaseSensitive(it, "org_unknown");

		snprintf(where, sizeof(where), "accounts[%zu]", k);
		if (!cJSON_IsString(id) || !safe_id(id->valuestring) || !cJSON_IsBool(au) ||
		    !cJSON_IsBool(ou)) {
			err_set(e, "%s: %s: id (an account id), audited and org_unknown "
			    "(booleans) are required", path, where);
			goto fail;
		}
		r->naccounts = ++k;
		if ((a->id = strdup(id->valuestring)) == NULL)
			goto oom;
		a->audited = cJSON_IsTrue(au);
		a->org_unknown = cJSON_IsTrue(ou);
		if ((s = rd_optstr(it, "why", &bad)) != NULL && (a->why = strdup(s)) == NULL)
			goto oom;
		s = rd_optstr(it, "fingerprint", &bad);
		if (bad || (s != NULL && strlen(s) != FINGERPRINT_HEX - 1) ||
		    rd_time(cJSON_GetObjectItemCaseSensitive(it, "known_at"), &a->known_at) != 0) {
			err_set(e, "%s: %s: why (string or null), fingerprint (64 hex digits "
			    "or null) or known_at (a time or null) malformed", path, where);
			goto fail;
		}
		if (s != NULL)
			memcpy(a->fingerprint, s, FINGERPRINT_HEX);
		v = cJSON_GetObjectItemCaseSensitive(it, "edges");
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e15) {
			err_set(e, "%s: %s: edges: must be a count", path, where);
			goto fail;
		}
		a->nedges = (size_t)v->valuedouble;
		v = cJSON_GetObjectItemCaseSensitive(it, "privileged");
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e15) {
			err_set(e, "%s: %s: privileged: must be a count", path, where);
			goto fail;
		}
		a->nprivileged = (size_t)v->valuedouble;
		if (k > 1 && strcmp(r->accounts[k - 2].id, a->id) >= 0) {
			err_set(e, "%s: %s: accounts out of order or repeated", path, where);
			goto fail;
		}
	}
	cJSON_Delete(root);
	buf_free(&b);
	return r;
oom:
	err_set(e, "out of memory reading %s", path);
fail:
	cJSON_Delete(root);
	buf_free(&b);
	state_run_free(r);
	return NULL;
}

int
state_current(struct state *st, struct state_run **out, struct err *e)
{
	struct item *items = NULL;
	size_t n = 0;
	char path[PATH_MAX], prev[64];
	int rc = -1;

	*out = NULL;
	if (!st->locked) {
		err_set(e, "internal error: state_current without the lock of %s", st->dir);
		return -1;
	}
	if (scan(st, &items, &n, NULL, NULL, e) != 0)
		return -1;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (items[n - 1].legacy) {
		struct edge_set *s;

		snprintf(path, sizeof(path), "%s/" STATE_PREFIX "%010" PRIu64 STATE_SUFFIX,
		    st->dir, items[n - 1].seq);
		if ((s = edgejson_read_file(path, e)) != NULL)
			*out = state_run_from_set(s, items[n - 1].seq, e);
	} else {
		*out = run_read(st, items[n - 1].seq, e);
	}
	if (*out == NULL) {
		if (n > 1) {
			item_name(&items[n - 2], prev, sizeof(prev));
			err_prefix(e, "the newest saved edge set is unreadable; nothing is "
			    "saved until it is repaired or moved aside (the previous one, "
			    "%s, is kept)", prev);
		} else {
			err_prefix(e, "the saved edge set is unreadable; nothing is saved "
			    "until it is repaired or moved aside");
		}
		goto out;
	}
	rc = 0;
out:
	free(items);
	return rc;
}

int
state_account_edges(struct state *st, const struct state_run *r, const char *id,
    struct edge_set *into, struct err *e)
{
	char rel[160], path[PATH_MAX + 160];
	struct buf b;
	int rc = -1;

	if (r->set != NULL) {
		for (size_t i = 0; i < r->set->nedges; i++)
			if (strutil_cmp(r->set->edges[i].account, id) == 0 &&
			    edge_set_add_edge(into, &r->set->edges[i]) != 0)
				goto oom;
		for (size_t i = 0; i < r->set->nprivileged; i++)
			if (strutil_cmp(r->set->privileged[i].account, id) == 0 &&
			    edge_set_add_privileged(into, &r->set->privileged[i]) != 0)
				goto oom;
		return 0;
	}
	if (r->file != NULL) {
		/* One account's entries, each once: a file edited by hand
		 * could list one twice, which would break edge_set_find. */
		struct edge_set *one = edge_set_new(e);
		int k = -1;

		if (one != NULL && edgestream_account(r->file, id, one, e) == 0) {
			edge_set_sort(one);
			k = edgejson_check_unique(one, edgestream_name(r->file), e);
			if (k == 0 && edge_set_move_entries(into, one) != 0) {
				err_set(e, "out of memory");
				k = -1;
			}
		}
		edge_set_free(one);
		return k;
	}
	if (!safe_id(id)) {
		err_set(e, "account id %s cannot name a state file", id);
		return -1;
	}
	snprintf(rel, sizeof(rel), STATE_GEN_PREFIX "%010" PRIu64 "/%s" STATE_EDGES_SUFFIX,
	    r->seq, id);
	snprintf(path, sizeof(path), "%s/%s", st->dir, rel);
	buf_init(&b, EDGEPACK_MAX_BYTES);
	if (fileio_read(st->dirfd, rel, FILEIO_NOFOLLOW, EDGEPACK_MAX_BYTES, &b, e) == 0)
		rc = edgepack_parse(b.data != NULL ? b.data : "", b.len, path, id, into, e);
	buf_free(&b);
	return rc;
oom:
	err_set(e, "out of memory");
	return -1;
}

/* ------------------------------------------------------------- saving */

struct state_txn {
	struct state *st;
	const struct state_run *prev;
	uint64_t seq;
	char tmpname[64];
	int dfd;
	struct state_account *acc;
	size_t n, cap;
	struct buf b;
	size_t bytes;		/* written or linked */
};

void
state_txn_abort(struct state_txn *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->acc[i].id), free(t->acc[i].why);
	free(t->acc);
	if (t->dfd >= 0) {
		close(t->dfd);
		if (remove_tree(t->st->dirfd, t->tmpname) != 0)
			log_warn("%s/%s: cannot remove: %s", t->st->dir, t->tmpname,
			    strerror(errno));
	}
	buf_free(&t->b);
	free(t);
}

struct state_txn *
state_begin(struct state *st, const struct state_run *prev, struct err *e)
{
	struct state_txn *t = NULL;
	struct item *items = NULL;
	size_t n = 0;

	if (!st->locked) {
		err_set(e, "internal error: state_begin without the lock of %s", st->dir);
		return NULL;
	}
	if (scan(st, &items, &n, NULL, NULL, e) != 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		free(items);
		err_set(e, "out of memory");
		return NULL;
	}
	t->dfd = -1;
	t->st = st;
	t->prev = prev;
	t->seq = n > 0 ? items[n - 1].seq + 1 : 1;
	free(items);
	buf_init(&t->b, EDGEPACK_MAX_BYTES);
	snprintf(t->tmpname, sizeof(t->tmpname), STATE_GEN_TMP_PREFIX "%010" PRIu64 ".tmp",
	    t->seq);
	/* One of this number is a run killed before its rename; we hold the
	 * lock, so nobody else is writing it. */
	if (remove_tree(st->dirfd, t->tmpname) != 0 ||
	    mkdirat(st->dirfd, t->tmpname, 0700) != 0 ||
	    (t->dfd = openat(st->dirfd, t->tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    O_NOFOLLOW)) < 0) {
		err_set(e, "%s/%s: cannot create: %s", st->dir, t->tmpname, strerror(errno));
		state_txn_abort(t);
		return NULL;
	}
	return t;
}

static int
txn_record(struct state_txn *t, const char *id, bool audited, const char *why,
    bool org_unknown, time_t known_at, const char *fp, size_t nedges, size_t npriv,
    struct err *e)
{
	struct state_account *a;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct state_account *g = realloc(t->acc, cap * sizeof(*g));

		if (g == NULL)
			goto oom;
		t->acc = g;
		t->cap = cap;
	}
	a = &t->acc[t->n];
	memset(a, 0, sizeof(*a));
	if ((a->id = strdup(id)) == NULL || (why != NULL && (a->why = strdup(why)) == NULL)) {
		free(a->id);
		goto oom;
	}
	t->n++;
	a->audited = audited;
	a->org_unknown = org_unknown;
	a->known_at = known_at;
	a->nedges = nedges;
	a->nprivileged = npriv;
	if (fp != NULL && strlen(fp) == FINGERPRINT_HEX - 1)
		memcpy(a->fingerprint, fp, FINGERPRINT_HEX);
	return 0;
oom:
	err_set(e, "out of memory");
	return -1;
}

static int
txn_write(struct state_txn *t, const char *name, const char *data, size_t len,
    struct err *e)
{
	int fd = openat(t->dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);

	if (fd < 0 || fileio_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		err_set(e, "%s/%s/%s: cannot write: %s", t->st->dir, t->tmpname, name,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		err_set(e, "%s/%s/%s: cannot write: %s", t->st->dir, t->tmpname, name,
		    strerror(errno));
		return -1;
	}
	t->bytes += len;
	return 0;
}

int
state_txn_put(struct state_txn *t, const struct edge_account *ea, const char *fp,
    const struct edge_set *s, struct err *e)
{
	char name[96];
	size_t nedges = 0, npriv = 0;

	if (!safe_id(ea->id)) {
		err_set(e, "account id %s cannot name a state file", ea->id);
		return -1;
	}
	snprintf(name, sizeof(name), "%s" STATE_EDGES_SUFFIX, ea->id);
	buf_reset(&t->b);
	if (edgepack_write(s, ea->id, &t->b, e) != 0 ||
	    txn_write(t, name, t->b.data, t->b.len, e) != 0)
		return -1;
	for (size_t i = 0; i < s->nedges; i++)
		nedges += strutil_cmp(s->edges[i].account, ea->id) == 0;
	for (size_t i = 0; i < s->nprivileged; i++)
		npriv += strutil_cmp(s->privileged[i].account, ea->id) == 0;
	return txn_record(t, ea->id, ea->audited, ea->why, ea->org_unknown, ea->known_at, fp,
	    nedges, npriv, e);
}

int
state_txn_keep(struct state_txn *t, const struct state_account *pa, time_t known_at,
    struct err *e)
{
	char name[96], from[160];
	struct stat sb;

	if (t->prev == NULL || !safe_id(pa->id)) {
		err_set(e, "internal error: state_txn_keep of %s without a previous run", pa->id);
		return -1;
	}
	snprintf(name, sizeof(name), "%s" STATE_EDGES_SUFFIX, pa->id);
	if (t->prev->set != NULL) {
		/* From a version 1 file: written out in the new form. */
		buf_reset(&t->b);
		if (edgepack_write(t->prev->set, pa->id, &t->b, e) != 0 ||
		    txn_write(t, name, t->b.data, t->b.len, e) != 0)
			return -1;
	} else {
		snprintf(from, sizeof(from), STATE_GEN_PREFIX "%010" PRIu64 "/%s", t->prev->seq,
		    name);
		/* The files of a generation never change once it is renamed
		 * into place: the new one can share them. */
		if (linkat(t->st->dirfd, from, t->dfd, name, 0) != 0) {
			err_set(e, "%s/%s: cannot link into %s: %s", t->st->dir, from,
			    t->tmpname, strerror(errno));
			return -1;
		}
		if (fstatat(t->dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			t->bytes += (size_t)sb.st_size;
	}
	return txn_record(t, pa->id, pa->audited, pa->why, pa->org_unknown, known_at,
	    pa->fingerprint, pa->nedges, pa->nprivileged, e);
}

/* The name of an account's inputs file (the organization's for id NULL)
 * in a generation; false for an id that cannot name a file. */
static bool
inputs_name(const char *id, char *buf, size_t n)
{
	if (id == NULL) {
		snprintf(buf, n, "%s", STATE_ORG_INPUTS);
		return true;
	}
	if (!safe_id(id))
		return false;
	snprintf(buf, n, "%s" STATE_INPUTS_SUFFIX, id);
	return true;
}

int
state_txn_put_inputs(struct state_txn *t, const char *id, const char *text, size_t len,
    struct err *e)
{
	char name[96];
	size_t bytes = t->bytes;
	int rc;

	if (!inputs_name(id, name, sizeof(name))) {
		err_set(e, "account id %s cannot name a state file", id);
		return -1;
	}
	rc = txn_write(t, name, text, len, e);
	/* state_txn_bytes counts the edges (the benchmark's bytes per edge),
	 * not the inputs kept for the causes. */
	t->bytes = bytes;
	return rc;
}

int
state_txn_link_inputs(struct state_txn *t, const char *id, struct err *e)
{
	char name[96], from[160];

	if (t->prev == NULL || t->prev->set != NULL)
		return 0;
	if (!inputs_name(id, name, sizeof(name))) {
		err_set(e, "account id %s cannot name a state file", id);
		return -1;
	}
	snprintf(from, sizeof(from), STATE_GEN_PREFIX "%010" PRIu64 "/%s", t->prev->seq, name);
	if (linkat(t->st->dirfd, from, t->dfd, name, 0) == 0)
		return 1;
	/* A generation written before inputs were kept has none. */
	if (errno == ENOENT)
		return 0;
	err_set(e, "%s/%s: cannot link into %s: %s", t->st->dir, from, t->tmpname,
	    strerror(errno));
	return -1;
}

int
state_read_inputs(struct state *st, const struct state_run *r, const char *id,
    struct buf *out, struct err *e)
{
	char name[96], rel[160];

	buf_reset(out);
	if (r == NULL || r->set != NULL)
		return 0;
	if (!inputs_name(id, name, sizeof(name))) {
		err_set(e, "account id %s cannot name a state file", id);
		return -1;
	}
	snprintf(rel, sizeof(rel), STATE_GEN_PREFIX "%010" PRIu64 "/%s", r->seq, name);
	if (fileio_read(st->dirfd, rel, FILEIO_NOFOLLOW, out->max, out, e) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	err_prefix(e, "%s", st->dir);
	return -1;
}

static int
add_time(cJSON *o, const char *key, time_t t)
{
	char b[21];

	if (t == 0)
		return cJSON_AddNullToObject(o, key) != NULL ? 0 : -1;
	edgejson_time(t, b);
	return cJSON_AddStringToObject(o, key, b) != NULL ? 0 : -1;
}

static int
add_opt(cJSON *o, const char *key, const char *s)
{
	return (s != NULL ? cJSON_AddStringToObject(o, key, s) :
	    cJSON_AddNullToObject(o, key)) != NULL ? 0 : -1;
}

int
state_txn_commit(struct state_txn *t, time_t taken_at, const char *source,
    const char *org_note, int keep, uint64_t *seq, struct err *e)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text = NULL, final[64];
	unsigned long hook;
	int rc = -1, bad = root == NULL;

	if (keep < 1) {
		err_set(e, "internal error: state keep %d", keep);
		goto out;
	}
	if (t->n > 1)
		qsort(t->acc, t->n, sizeof(*t->acc), cmp_state_account);
	for (size_t i = 1; i < t->n; i++)
		if (strcmp(t->acc[i - 1].id, t->acc[i].id) == 0) {
			err_set(e, "internal error: account %s saved twice", t->acc[i].id);
			goto out;
		}
	bad = bad || cJSON_AddStringToObject(root, "format", STATE_RUN_FORMAT) == NULL ||
	    cJSON_AddNumberToObject(root, "version", STATE_RUN_VERSION) == NULL ||
	    add_time(root, "taken_at", taken_at) != 0 || add_opt(root, "source", source) != 0 ||
	    add_opt(root, "org_note", org_note) != 0 ||
	    (arr = cJSON_AddArrayToObject(root, "accounts")) == NULL;
	for (size_t i = 0; !bad && i < t->n; i++) {
		const struct state_account *a = &t->acc[i];
		cJSON *o = cJSON_CreateObject();

		bad = o == NULL || !cJSON_AddItemToArray(arr, o) ||
		    cJSON_AddStringToObject(o, "id", a->id) == NULL ||
		    cJSON_AddBoolToObject(o, "audited", a->audited) == NULL ||
		    add_opt(o, "why", a->why) != 0 ||
		    cJSON_AddBoolToObject(o, "org_unknown", a->org_unknown) == NULL ||
		    add_time(o, "known_at", a->known_at) != 0 ||
		    add_opt(o, "fingerprint", a->fingerprint[0] != '\0' ? a->fingerprint :
		    NULL) != 0 ||
		    cJSON_AddNumberToObject(o, "edges", (double)a->nedges) == NULL ||
		    cJSON_AddNumberToObject(o, "privileged", (double)a->nprivileged) == NULL;
	}
	if (bad || (text = cJSON_Print(root)) == NULL) {
		err_set(e, "out of memory writing the run record");
		goto out;
	}
	snprintf(final, sizeof(final), STATE_GEN_PREFIX "%010" PRIu64, t->seq);
	/* Traced as one save from here (the account files are in the
	 * temporary directory already), so that the kill tests see the
	 * saves of a run one after the other. */
	hook = fileio_hook_begin(final);
	fileio_hook_step(hook, "created", final);
	if (txn_write(t, STATE_RUN_FILE, text, strlen(text), e) != 0)
		goto out;
	fileio_hook_step(hook, "written", final);
	if (fsync(t->dfd) != 0) {
		err_set(e, "%s/%s: fsync: %s", t->st->dir, t->tmpname, strerror(errno));
		goto out;
	}
	fileio_hook_step(hook, "synced", final);
	/* The one step that makes the run visible: a crash before it leaves
	 * the previous generation current, after it the new one, each whole. */
	if (renameat(t->st->dirfd, t->tmpname, t->st->dirfd, final) != 0) {
		err_set(e, "%s/%s: cannot rename to %s: %s", t->st->dir, t->tmpname, final,
		    strerror(errno));
		goto out;
	}
	fileio_hook_step(hook, "renamed", final);
	close(t->dfd);
	t->dfd = -1;
	if (fsync(t->st->dirfd) != 0) {
		/* Renamed but perhaps not durable: say so, but the run did
		 * save (a reader already sees it). */
		log_warn("state directory %s: fsync: %s", t->st->dir, strerror(errno));
	}
	if (seq != NULL)
		*seq = t->seq;
	prune(t->st, keep);
	fileio_hook_step(hook, "done", final);
	rc = 0;
out:
	free(text);
	cJSON_Delete(root);
	state_txn_abort(t);
	return rc;
}

size_t
state_txn_bytes(const struct state_txn *t)
{
	return t->bytes;
}

/* ------------------------------------------- whole sets, as before */

/* A run as one whole set (taking r). */
static int
run_to_set(struct state *st, struct state_run *r, struct edge_set **out, struct err *e)
{
	struct edge_set *s = NULL;
	int rc = -1;

	if (r->set != NULL) {
		*out = r->set;
		r->set = NULL;
		state_run_free(r);
		return 0;
	}
	if ((s = edge_set_new(e)) == NULL)
		goto out;
	s->taken_at = r->taken_at;
	if ((r->source != NULL && (s->source = strdup(r->source)) == NULL) ||
	    (r->org_note != NULL && (s->org_note = strdup(r->org_note)) == NULL))
		goto oom;
	for (size_t i = 0; i < r->naccounts; i++) {
		struct edge_account ea = {
			.id = r->accounts[i].id, .audited = r->accounts[i].audited,
			.why = r->accounts[i].why, .org_unknown = r->accounts[i].org_unknown,
		};

		if (edge_set_add_account(s, &ea, r->accounts[i].known_at) != 0)
			goto oom;
		if (state_account_edges(st, r, r->accounts[i].id, s, e) != 0)
			goto out;
	}
	edge_set_sort(s);
	*out = s;
	s = NULL;
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	edge_set_free(s);
	state_run_free(r);
	return rc;
}

int
state_load(struct state *st, struct edge_set **out, uint64_t *seq, struct err *e)
{
	struct state_run *r = NULL;
	uint64_t n;

	*out = NULL;
	if (seq != NULL)
		*seq = 0;
	if (state_current(st, &r, e) != 0)
		return -1;
	if (r == NULL)
		return 0;
	n = r->seq;
	if (run_to_set(st, r, out, e) != 0)
		return -1;
	if (seq != NULL)
		*seq = n;
	return 0;
}

int
state_load_seq(struct state *st, uint64_t seq, struct edge_set **out, struct err *e)
{
	struct state_run *r;
	struct stat sb;
	char name[64];

	*out = NULL;
	snprintf(name, sizeof(name), STATE_GEN_PREFIX "%010" PRIu64, seq);
	if (fstatat(st->dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		r = run_read(st, seq, e);
	} else {
		char path[PATH_MAX];
		struct edge_set *s;

		snprintf(path, sizeof(path), "%s/" STATE_PREFIX "%010" PRIu64 STATE_SUFFIX,
		    st->dir, seq);
		if ((s = edgejson_read_file(path, e)) == NULL)
			return -1;
		r = state_run_from_set(s, seq, e);
	}
	return r != NULL ? run_to_set(st, r, out, e) : -1;
}

int
state_save(struct state *st, const struct edge_set *s, int keep, uint64_t *seq,
    struct err *e)
{
	struct state_txn *t = state_begin(st, NULL, e);

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < s->naccounts; i++)
		if (state_txn_put(t, &s->accounts[i], NULL, s, e) != 0) {
			state_txn_abort(t);
			return -1;
		}
	return state_txn_commit(t, s->taken_at, s->source, s->org_note, keep, seq, e);
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
			if (edge_set_add_account(d, pa, pa->known_at != 0 ? pa->known_at :
			    prev->taken_at) != 0)
				goto oom;
			carried[ncarried++] = ca->id;
		} else if (edge_set_add_account(d, ca, 0) != 0) {
			goto oom;
		}
	}
	/* An account missing from cur left the scope, unless cur could not
	 * read the organization and so does not know the account list. */
	for (size_t i = 0; prev != NULL && cur->org_note != NULL && i < prev->naccounts; i++) {
		const struct edge_account *pa = &prev->accounts[i];

		if (edge_set_account(cur, pa->id) != NULL || !pa->audited)
			continue;
		if (edge_set_add_account(d, pa, pa->known_at != 0 ? pa->known_at : prev->taken_at) != 0)
			goto oom;
		carried[ncarried++] = pa->id;
	}
	for (size_t i = 0; i < cur->nedges; i++)
		if (!in_list(cur->edges[i].account, carried, ncarried) &&
		    edge_set_add_edge(d, &cur->edges[i]) != 0)
			goto oom;
	for (size_t i = 0; i < cur->nprivileged; i++)
		if (!in_list(cur->privileged[i].account, carried, ncarried) &&
		    edge_set_add_privileged(d, &cur->privileged[i]) != 0)
			goto oom;
	for (size_t i = 0; prev != NULL && i < prev->nedges; i++)
		if (in_list(prev->edges[i].account, carried, ncarried) &&
		    edge_set_add_edge(d, &prev->edges[i]) != 0)
			goto oom;
	for (size_t i = 0; prev != NULL && i < prev->nprivileged; i++)
		if (in_list(prev->privileged[i].account, carried, ncarried) &&
		    edge_set_add_privileged(d, &prev->privileged[i]) != 0)
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
