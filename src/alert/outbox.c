/* The durable outbox: one file per queued alert, written atomically. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert/outbox.h"
#include "log.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/lockfile.h"

#define TMP_PREFIX ".tmp-"
#define CORRUPT_DIR "corrupt"
#define LOCK_NAME ".lock"

static int lock_acquired(struct outbox *ob, struct err *e);

static void
entry_clear(struct outbox_entry *en)
{
	size_t i;

	for (i = 0; i < en->ndelivered; i++)
		free(en->delivered[i]);
	free(en->delivered);
	en->delivered = NULL;
	en->ndelivered = 0;
}

void
outbox_close(struct outbox *ob)
{
	size_t i;

	if (ob == NULL)
		return;
	for (i = 0; i < ob->n; i++)
		entry_clear(&ob->v[i]);
	free(ob->v);
	outbox_unlock(ob);
	if (ob->lockfd >= 0)
		close(ob->lockfd);
	if (ob->dirfd >= 0)
		close(ob->dirfd);
	free(ob->dir);
	free(ob);
}

/*
 * The largest sequence number an entry may have. The queue numbers alerts
 * from 1 up, one at a time, so no real entry comes near; a name above it
 * (up to 99999999999999999999, which does not even fit 64 bits) is not an
 * entry: taken as one, next_seq would wrap to 0 and new alerts would sort
 * before the old ones. 2^53 also keeps "seq" exact as a JSON number.
 */
#define OUTBOX_SEQ_MAX (1ULL << 53)

/* "<20 digits>-<64 hex>.json" */
static int
parse_name(const char *name, unsigned long long *seq, char *id)
{
	size_t i;

	if (strlen(name) != OUTBOX_NAME_LEN || name[20] != '-' ||
	    strcmp(name + 85, ".json") != 0)
		return -1;
	*seq = 0;
	for (i = 0; i < 20; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		/* Checked at each digit: ten times the limit still fits. */
		*seq = *seq * 10 + (unsigned long long)(name[i] - '0');
		if (*seq > OUTBOX_SEQ_MAX)
			return -1;
	}
	for (i = 0; i < 64; i++) {
		char c = name[21 + i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		id[i] = c;
	}
	id[64] = '\0';
	return 0;
}

/* Parse and check an entry file; *doc owned by the caller on success. */
static int
load_doc(struct outbox *ob, const char *name, const char *id, unsigned long long seq,
    cJSON **doc, struct err *e)
{
	struct buf b;
	cJSON *d = NULL;
	const cJSON *v, *a, *aid;
	int rc = -1;

	*doc = NULL;
	buf_init(&b, OUTBOX_ENTRY_MAX_BYTES);
	if (fileio_read(ob->dirfd, name, FILEIO_NOFOLLOW, OUTBOX_ENTRY_MAX_BYTES, &b, e) != 0)
		goto out;
	if ((d = cJSON_ParseWithLength(b.data != NULL ? b.data : "", b.len)) == NULL) {
		err_set(e, "not valid JSON");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(d, "outbox");
	if (!cJSON_IsNumber(v) || v->valuedouble != OUTBOX_FORMAT) {
		err_set(e, "\"outbox\" is not %d", OUTBOX_FORMAT);
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(d, "seq");
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)seq) {
		err_set(e, "\"seq\" does not match the file name");
		goto out;
	}
	a = cJSON_GetObjectItemCaseSensitive(d, "alert");
	aid = cJSON_GetObjectItemCaseSensitive(a, "id");
	if (!cJSON_IsObject(a) || !cJSON_IsString(aid) || strcmp(aid->valuestring, id) != 0) {
		err_set(e, "\"alert.id\" does not match the file name");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(d, "delivered");
	if (!cJSON_IsArray(v)) {
		err_set(e, "\"delivered\" is not an array");
		goto out;
	}
	*doc = d;
	d = NULL;
	rc = 0;
out:
	cJSON_Delete(d);
	buf_free(&b);
	return rc;
}

static int
entry_set_delivered(struct outbox_entry *en, const cJSON *arr, struct err *e)
{
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(arr);

	entry_clear(en);
	if (n == 0)
		return 0;
	if (n > OUTBOX_DELIVERED_MAX) {
		err_set(e, "\"delivered\" lists more than %d sinks", OUTBOX_DELIVERED_MAX);
		return -1;
	}
	if ((en->delivered = calloc(n, sizeof(char *))) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it) || strlen(it->valuestring) > OUTBOX_SINK_NAME_MAX) {
			err_set(e, "\"delivered\" holds something that is not a sink name");
			return -1;
		}
		if ((en->delivered[en->ndelivered] = strdup(it->valuestring)) == NULL) {
			err_set(e, "out of memory");
			return -1;
		}
		en->ndelivered++;
	}
	return 0;
}

static int
push_entry(struct outbox *ob, struct outbox_entry *en)
{
	if (ob->n == ob->cap) {
		size_t nc = ob->cap ? ob->cap * 2 : 64;
		struct outbox_entry *nv = realloc(ob->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -1;
		ob->v = nv;
		ob->cap = nc;
	}
	ob->v[ob->n++] = *en;
	return 0;
}

/* Move a file aside; the name in corrupt/ gets the time so that a second
 * bad file with the same name does not replace the first. */
static void
move_aside(struct outbox *ob, const char *name, const char *why)
{
	char dst[OUTBOX_NAME_LEN + 256];

	if (mkdirat(ob->dirfd, CORRUPT_DIR, 0700) != 0 && errno != EEXIST) {
		log_error("alert outbox: %s/%s is unusable (%s) and cannot be moved aside: "
		    "mkdir %s: %s", ob->dir, name, why, CORRUPT_DIR, strerror(errno));
		return;
	}
	snprintf(dst, sizeof(dst), CORRUPT_DIR "/%.*s.%lld.%ld", OUTBOX_NAME_LEN + 100, name,
	    (long long)time(NULL), (long)getpid());
	if (renameat(ob->dirfd, name, ob->dirfd, dst) != 0) {
		log_error("alert outbox: %s/%s is unusable (%s) and cannot be moved aside: %s",
		    ob->dir, name, why, strerror(errno));
		return;
	}
	if (fsync(ob->dirfd) != 0)
		log_warn("alert outbox: fsync %s: %s", ob->dir, strerror(errno));
	log_error("alert outbox: %s/%s is unusable (%s); moved to %s/%s", ob->dir, name, why,
	    ob->dir, dst);
	ob->quarantined++;
}

static int
cmp_seq(const void *a, const void *b)
{
	const struct outbox_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
scan(struct outbox *ob, outbox_check_fn check, struct err *e)
{
	for (size_t k = 0; k < ob->n; k++)
		entry_clear(&ob->v[k]);
	ob->n = 0;
	DIR *d;
	struct dirent *de;
	int fd, rc = -1;
	size_t i;

	if ((fd = dup(ob->dirfd)) < 0) {
		err_set(e, "alert outbox: dup %s: %s", ob->dir, strerror(errno));
		return -1;
	}
	if ((d = fdopendir(fd)) == NULL) {
		err_set(e, "alert outbox: opendir %s: %s", ob->dir, strerror(errno));
		close(fd);
		return -1;
	}
	rewinddir(d);
	while ((errno = 0, de = readdir(d)) != NULL) {
		struct outbox_entry en;
		struct err le;
		cJSON *doc = NULL;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, CORRUPT_DIR) == 0 || strcmp(de->d_name, LOCK_NAME) == 0)
			continue;
		if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
			/* A write that never reached its rename: it was never
			 * part of the queue. */
			if (unlinkat(ob->dirfd, de->d_name, 0) != 0)
				log_warn("alert outbox: cannot remove %s/%s: %s", ob->dir,
				    de->d_name, strerror(errno));
			continue;
		}
		memset(&en, 0, sizeof(en));
		if (parse_name(de->d_name, &en.seq, en.id) != 0) {
			move_aside(ob, de->d_name, "not an outbox entry name");
			continue;
		}
		memcpy(en.name, de->d_name, OUTBOX_NAME_LEN + 1);
		err_clear(&le);
		if (load_doc(ob, en.name, en.id, en.seq, &doc, &le) != 0 ||
		    entry_set_delivered(&en, cJSON_GetObjectItemCaseSensitive(doc, "delivered"),
		    &le) != 0 ||
		    (check != NULL && check(cJSON_GetObjectItemCaseSensitive(doc, "alert"), en.id,
		    &le) != 0)) {
			entry_clear(&en);
			cJSON_Delete(doc);
			move_aside(ob, de->d_name, le.msg);
			continue;
		}
		cJSON_Delete(doc);
		if (push_entry(ob, &en) != 0) {
			entry_clear(&en);
			err_set(e, "alert outbox: out of memory");
			goto out;
		}
	}
	if (errno != 0) {
		err_set(e, "alert outbox: readdir %s: %s", ob->dir, strerror(errno));
		goto out;
	}
	if (ob->n > 0)
		qsort(ob->v, ob->n, sizeof(*ob->v), cmp_seq);
	ob->next_seq = 1;
	for (i = 0; i < ob->n; i++)
		if (ob->v[i].seq >= ob->next_seq)
			ob->next_seq = ob->v[i].seq + 1;
	rc = 0;
out:
	closedir(d);
	return rc;
}

struct outbox *
outbox_open(const char *state_dir, size_t max, outbox_check_fn check, struct err *e)
{
	struct outbox *ob;
	struct buf p;

	if ((ob = calloc(1, sizeof(*ob))) == NULL) {
		err_set(e, "alert outbox: out of memory");
		return NULL;
	}
	ob->dirfd = ob->lockfd = -1;
	ob->max = max > 0 ? max : OUTBOX_DEFAULT_MAX;
	buf_init(&p, 4096);
	if (buf_printf(&p, "%s/outbox", state_dir) != 0) {
		err_set(e, "alert outbox: state directory path too long");
		goto fail;
	}
	ob->dir = buf_steal(&p);
	if (ob->dir == NULL) {
		err_set(e, "alert outbox: out of memory");
		goto fail;
	}
	if (mkdir(ob->dir, 0700) != 0 && errno != EEXIST) {
		err_set(e, "alert outbox: mkdir %s: %s", ob->dir, strerror(errno));
		goto fail;
	}
	if ((ob->dirfd = open(ob->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		err_set(e, "alert outbox: open %s: %s", ob->dir, strerror(errno));
		goto fail;
	}
	ob->lockfd = openat(ob->dirfd, LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (ob->lockfd < 0) {
		err_set(e, "alert outbox: open %s/%s: %s", ob->dir, LOCK_NAME, strerror(errno));
		goto fail;
	}
	ob->check = check;
	/*
	 * The first lock always scans: no generation is known yet. Tried
	 * once, not waited for: the daemon opens the outbox at start and at
	 * a reload, where a wait would hold back READY=1 and the watchdog;
	 * when another process holds it, the queue is read at the first
	 * lock instead (outbox_lock), which may wait.
	 */
	if (flock(ob->lockfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK) {
			err_set(e, "alert outbox: lock %s/%s: %s", ob->dir, LOCK_NAME,
			    strerror(errno));
			goto fail;
		}
		return ob;
	}
	ob->locked = true;
	if (lock_acquired(ob, e) != 0)
		goto fail;
	outbox_unlock(ob);
	return ob;
fail:
	buf_free(&p);
	outbox_close(ob);
	return NULL;
}

long
outbox_find(const struct outbox *ob, const char *id)
{
	size_t i;

	for (i = 0; i < ob->n; i++)
		if (strcmp(ob->v[i].id, id) == 0)
			return (long)i;
	return -1;
}

bool
outbox_entry_delivered(const struct outbox_entry *en, const char *sink)
{
	size_t i;

	for (i = 0; i < en->ndelivered; i++)
		if (strcmp(en->delivered[i], sink) == 0)
			return true;
	return false;
}

struct text {
	const char *p;
	size_t n;
	const char *dir, *tmp;
};

static int
fill_text(int fd, const void *arg, struct err *e)
{
	const struct text *t = arg;

	if (fileio_write_all(fd, t->p, t->n) != 0 || fileio_write_all(fd, "\n", 1) != 0) {
		err_set(e, "%s/%s: cannot write: %s", t->dir, t->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static int
write_entry(struct outbox *ob, const char *name, const cJSON *doc, struct err *e)
{
	char tmp[OUTBOX_NAME_LEN + 64];
	struct text t;
	char *text;
	int rc = -1;

	if ((text = cJSON_PrintUnformatted(doc)) == NULL) {
		err_set(e, "alert outbox: out of memory");
		return -1;
	}
	/* The file is the text and a newline; the reader takes at most the bound. */
	if (strlen(text) >= OUTBOX_ENTRY_MAX_BYTES) {
		err_set(e, "alert outbox: entry %s would be larger than %d bytes", name,
		    OUTBOX_ENTRY_MAX_BYTES);
		goto out;
	}
	/* scan() removes TMP_PREFIX files left by a crash; the pid keeps two
	 * processes that share the directory from writing the same one. */
	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%s.%ld", name, (long)getpid());
	t.p = text;
	t.n = strlen(text);
	t.dir = ob->dir;
	t.tmp = tmp;
	if (fileio_save_at(ob->dirfd, ob->dir, name, tmp, fill_text, &t, e) != 0) {
		err_prefix(e, "alert outbox");
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static cJSON *
make_doc(unsigned long long seq, const cJSON *alert, const struct outbox_entry *en)
{
	cJSON *doc, *a, *arr;
	size_t i;

	if ((doc = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(doc, "outbox", OUTBOX_FORMAT) == NULL ||
	    cJSON_AddNumberToObject(doc, "seq", (double)seq) == NULL ||
	    (a = cJSON_Duplicate(alert, true)) == NULL)
		goto fail;
	if (!cJSON_AddItemToObject(doc, "alert", a)) {
		cJSON_Delete(a);
		goto fail;
	}
	if ((arr = cJSON_AddArrayToObject(doc, "delivered")) == NULL)
		goto fail;
	for (i = 0; en != NULL && i < en->ndelivered; i++) {
		cJSON *s = cJSON_CreateString(en->delivered[i]);

		if (s == NULL || !cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			goto fail;
		}
	}
	return doc;
fail:
	cJSON_Delete(doc);
	return NULL;
}

int
outbox_add(struct outbox *ob, const char *id, const cJSON *alert, struct err *e)
{
	struct outbox_entry en;
	cJSON *doc = NULL;
	unsigned long long seq_dummy;
	char idcheck[65];
	int rc = -1;

	memset(&en, 0, sizeof(en));
	if (outbox_find(ob, id) >= 0)
		return OUTBOX_ALREADY;
	if (ob->n >= ob->max)
		return OUTBOX_FULL;
	en.seq = ob->next_seq;
	snprintf(en.name, sizeof(en.name), "%020llu-%s.json", en.seq, id);
	if (parse_name(en.name, &seq_dummy, idcheck) != 0) {
		err_set(e, "alert outbox: \"%.80s\" is not a 64-hex-digit alert id", id);
		return -1;
	}
	memcpy(en.id, idcheck, sizeof(en.id));
	if ((doc = make_doc(en.seq, alert, NULL)) == NULL) {
		err_set(e, "alert outbox: out of memory");
		goto out;
	}
	if (write_entry(ob, en.name, doc, e) != 0)
		goto out;
	if (push_entry(ob, &en) != 0) {
		/* On disk but not in memory: the next open picks it up; do not
		 * report it as queued to a caller that would then think it was
		 * lost. Remove it instead so that state and disk agree. */
		unlinkat(ob->dirfd, en.name, 0);
		err_set(e, "alert outbox: out of memory");
		goto out;
	}
	ob->next_seq++;
	rc = OUTBOX_ADDED;
out:
	cJSON_Delete(doc);
	return rc;
}

cJSON *
outbox_read_alert(struct outbox *ob, size_t i, struct err *e)
{
	cJSON *doc = NULL, *a;

	if (load_doc(ob, ob->v[i].name, ob->v[i].id, ob->v[i].seq, &doc, e) != 0) {
		err_prefix(e, "alert outbox: %s/%s", ob->dir, ob->v[i].name);
		return NULL;
	}
	a = cJSON_DetachItemFromObjectCaseSensitive(doc, "alert");
	cJSON_Delete(doc);
	if (a == NULL)
		err_set(e, "alert outbox: %s/%s has no alert", ob->dir, ob->v[i].name);
	return a;
}

int
outbox_mark_delivered(struct outbox *ob, size_t i, const char *sink, struct err *e)
{
	struct outbox_entry *en = &ob->v[i];
	cJSON *a = NULL, *doc = NULL;
	char **nd;
	char *s = NULL;
	int rc = -1;

	if (outbox_entry_delivered(en, sink))
		return 0;
	/* The reader (entry_set_delivered) would set such an entry aside as
	 * corrupt, losing the alert for the other sinks. */
	if (en->ndelivered >= OUTBOX_DELIVERED_MAX || strlen(sink) > OUTBOX_SINK_NAME_MAX) {
		err_set(e, "alert outbox: %s/%s: cannot record sink %.*s: an entry lists at most "
		    "%d sinks of at most %d bytes", ob->dir, en->name, OUTBOX_SINK_NAME_MAX, sink,
		    OUTBOX_DELIVERED_MAX, OUTBOX_SINK_NAME_MAX);
		return -1;
	}
	if ((a = outbox_read_alert(ob, i, e)) == NULL)
		return -1;
	if ((s = strdup(sink)) == NULL ||
	    (nd = realloc(en->delivered, (en->ndelivered + 1) * sizeof(char *))) == NULL) {
		err_set(e, "alert outbox: out of memory");
		goto out;
	}
	en->delivered = nd;
	en->delivered[en->ndelivered++] = s;
	s = NULL;
	if ((doc = make_doc(en->seq, a, en)) == NULL) {
		err_set(e, "alert outbox: out of memory");
		free(en->delivered[--en->ndelivered]);
		goto out;
	}
	if (write_entry(ob, en->name, doc, e) != 0) {
		/* Not recorded on disk: forget it in memory too, so the next
		 * round retries the write (at worst a re-delivery). */
		free(en->delivered[--en->ndelivered]);
		goto out;
	}
	rc = 0;
out:
	free(s);
	cJSON_Delete(a);
	cJSON_Delete(doc);
	return rc;
}

static void
drop(struct outbox *ob, size_t i)
{
	entry_clear(&ob->v[i]);
	memmove(&ob->v[i], &ob->v[i + 1], (ob->n - i - 1) * sizeof(*ob->v));
	ob->n--;
}

int
outbox_remove(struct outbox *ob, size_t i, struct err *e)
{
	if (unlinkat(ob->dirfd, ob->v[i].name, 0) != 0 && errno != ENOENT) {
		err_set(e, "alert outbox: remove %s/%s: %s", ob->dir, ob->v[i].name,
		    strerror(errno));
		return -1;
	}
	if (fsync(ob->dirfd) != 0) {
		err_set(e, "alert outbox: fsync %s: %s", ob->dir, strerror(errno));
		drop(ob, i);
		return -1;
	}
	drop(ob, i);
	return 0;
}

void
outbox_quarantine(struct outbox *ob, size_t i, const char *why)
{
	move_aside(ob, ob->v[i].name, why);
	drop(ob, i);
}

/*
 * The lock file holds "PID GEN\n": the holder's pid (for the message of a
 * process that waits) and a generation that every holder bumps as soon as
 * it has the lock, before it changes anything. A process whose last known
 * generation differs from the file's has missed another's changes (even a
 * holder killed half way) and reads the directory again; the daemon alone
 * reads nothing more than the file.
 */
static int
lock_write(struct outbox *ob, long pid, unsigned long long gen)
{
	char b[64];
	int n = snprintf(b, sizeof(b), "%ld %llu\n", pid, gen);

	if (ftruncate(ob->lockfd, 0) != 0 || pwrite(ob->lockfd, b, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* With the flock just taken: read the queue again if another process
 * changed it, and bump the generation. Unlocks on failure. */
static int
lock_acquired(struct outbox *ob, struct err *e)
{
	char b[64], *sp;
	unsigned long long gen = 0;
	ssize_t n;

	n = pread(ob->lockfd, b, sizeof(b) - 1, 0);
	if (n > 0) {
		b[n] = '\0';
		if ((sp = strchr(b, ' ')) != NULL)
			gen = strtoull(sp + 1, NULL, 10);
	}
	if (!ob->scanned || gen != ob->gen) {
		if (scan(ob, ob->check, e) != 0) {
			outbox_unlock(ob);
			return -1;
		}
		ob->scanned = true;
	}
	ob->gen = gen + 1;
	if (lock_write(ob, (long)getpid(), ob->gen) != 0) {
		/* Without the bump another process would not see our changes. */
		err_set(e, "alert outbox: cannot write %s/%s: %s", ob->dir, LOCK_NAME,
		    strerror(errno));
		outbox_unlock(ob);
		return -1;
	}
	return 0;
}

int
outbox_lock(struct outbox *ob, int wait_s, const volatile sig_atomic_t *stop, struct err *e)
{
	char what[4200];

	if (ob->locked)
		return 0;
	snprintf(what, sizeof(what), "the alert outbox %s", ob->dir);
	if (lockfile_take(ob->lockfd, what, "another run is queueing or delivering alerts",
	    wait_s, stop, e) != 0)
		return -1;
	ob->locked = true;
	return lock_acquired(ob, e);
}

void
outbox_unlock(struct outbox *ob)
{
	if (ob == NULL || !ob->locked)
		return;
	if (lock_write(ob, 0, ob->gen) != 0)
		log_debug("alert outbox: cannot clear the pid in %s/%s: %s", ob->dir, LOCK_NAME,
		    strerror(errno));
	flock(ob->lockfd, LOCK_UN);
	ob->locked = false;
}
