// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat snapshot [-o FILE]: every group's JSON in one document.
 * nkstat diff A B [GROUP] [--all]: two snapshots compared, counter by
 * counter, largest relative change first. A counter on one side only (or
 * n/a on one side) is marked so, never compared with 0.
 *
 * diff reads any nkstat JSON: the document is flattened to one path per
 * number ("tcp.aborts.retries2"). In a list, an object is named by its
 * "name", "table" or "counter" member rather than its index, so that the
 * same hook or group lines up on both sides.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nkstat.h"

#define NKS_SNAPSHOT_FORMAT 1

/* Each group's JSON printer writes a whole document; the snapshot lists them. */
static bool nks_snap_first;

static void nks_snap_sep(void)
{
	printf("%s", nks_snap_first ? "" : ",\n");
	nks_snap_first = false;
}

static int nks_snap_info(const struct nks_reply *r, void *arg)
{
	nks_snap_sep();
	return nks_info_print(r, arg);
}

static int nks_snap_neigh(const struct nks_reply *r, void *arg)
{
	nks_snap_sep();
	return nks_neigh_print(r, arg);
}

static int nks_snap_ports(const struct nks_reply *r, void *arg)
{
	nks_snap_sep();
	return nks_ports_print(r, arg);
}

static int nks_snap_tcp(const struct nks_reply *r, void *arg)
{
	nks_snap_sep();
	return nks_tcp_print(r, arg);
}

static int nks_snapshot_write(const struct nks_opts *opts)
{
	static const struct nks_group_fns fns = {
		nks_snap_info, nks_snap_neigh, nks_snap_ports, nks_snap_tcp,
	};
	struct nks_opts o = *opts;
	char when[32];
	time_t t = time(NULL);
	struct nks_json j;
	int ret;

	o.json = true;
	o.prom = false;
	o.pretty = false;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	printf("{\"snapshot\": ");
	nks_json_init(&j, stdout, false);
	nks_json_open(&j, '{');
	nks_json_ku64(&j, "format", true, NKS_SNAPSHOT_FORMAT);
	nks_json_kstr(&j, "taken_at", when);
	nks_json_kstr(&j, "tool_version", NKSTAT_VERSION);
	nks_json_kstr(&j, "netns", opts->netns);
	nks_json_close(&j, '}');
	nks_json_end(&j);
	/* then each group's document, as its own printer writes it */
	printf(",\n\"groups\": [\n");
	nks_snap_first = true;
	ret = nks_query_groups(&fns, &o);
	printf("]}\n");
	return ret;
}

static int nks_snapshot_usage(const char *what)
{
	fprintf(stderr, "nkstat: snapshot: %s; usage: snapshot [-o FILE]\n", what);
	return NKS_EXIT_USAGE;
}

int nks_cmd_snapshot(const struct nks_opts *opts, int argc, char **argv)
{
	const char *file = NULL;
	char tmp[4096];
	int fd, saved, ret;

	if (argc == 2 && !strcmp(argv[0], "-o"))
		file = argv[1];
	else if (argc)
		return nks_snapshot_usage(argc == 1 && !strcmp(argv[0], "-o") ?
					  "-o needs a file name" : "unknown argument");
	if (opts->prom)
		return nks_snapshot_usage("a snapshot is JSON; -o prometheus does not apply");
	if (!file || !strcmp(file, "-"))
		return nks_snapshot_write(opts);

	/* written aside, then renamed: a reader never sees half a snapshot */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
		return nks_snapshot_usage("the file name is too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "nkstat: snapshot: cannot write %s: %s\n", tmp,
			strerror(errno));
		return NKS_EXIT_USAGE;
	}
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	ret = nks_snapshot_write(opts);
	if (fflush(stdout) && !ret) {
		fprintf(stderr, "nkstat: snapshot: writing %s failed: %s\n", tmp,
			strerror(errno));
		ret = NKS_EXIT_USAGE;
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
	if (ret) {
		unlink(tmp);
		return ret;
	}
	if (rename(tmp, file)) {
		fprintf(stderr, "nkstat: snapshot: cannot rename %s to %s: %s\n", tmp,
			file, strerror(errno));
		unlink(tmp);
		return NKS_EXIT_USAGE;
	}
	return NKS_EXIT_OK;
}

/* --- reading JSON back ------------------------------------------------ */

void nks_flat_free(struct nks_flat *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].path);
	free(f->v);
	memset(f, 0, sizeof(*f));
}

struct nks_jparse {
	const char *p, *end;
	struct nks_flat *out;
	char path[512];
	int depth;
	const char *err;
};

static void nks_jskip_ws(struct nks_jparse *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' ||
				 *j->p == '\r'))
		j->p++;
}

static bool nks_jfail(struct nks_jparse *j, const char *err)
{
	if (!j->err)
		j->err = err;
	return false;
}

/* A string into @buf (escapes kept simple: \uXXXX becomes '?'). */
static bool nks_jstring(struct nks_jparse *j, char *buf, size_t len)
{
	size_t n = 0;

	if (j->p >= j->end || *j->p != '"')
		return nks_jfail(j, "a string was expected");
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;

		if ((unsigned char)c < 0x20)
			return nks_jfail(j, "a control character in a string");
		if (c == '\\') {
			if (j->p >= j->end)
				break;
			c = *j->p++;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'u':
				if (j->end - j->p < 4)
					return nks_jfail(j, "a short \\u escape");
				j->p += 4;
				c = '?';
				break;
			case '"':
			case '\\':
			case '/':
				break;
			default:
				return nks_jfail(j, "an unknown escape in a string");
			}
		}
		if (n + 1 < len)
			buf[n++] = c;
	}
	if (j->p >= j->end)
		return nks_jfail(j, "an unterminated string");
	j->p++;
	buf[n] = '\0';
	return true;
}

static bool nks_jadd(struct nks_jparse *j, bool null, long double v,
		     const char *str)
{
	struct nks_flat *f = j->out;
	struct nks_flat_val *nv;

	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 256;

		nv = realloc(f->v, cap * sizeof(*nv));
		if (!nv)
			return nks_jfail(j, "out of memory");
		f->v = nv;
		f->cap = cap;
	}
	nv = &f->v[f->n];
	memset(nv, 0, sizeof(*nv));
	nv->path = strdup(j->path);
	if (!nv->path)
		return nks_jfail(j, "out of memory");
	nv->null = null;
	nv->v = v;
	if (str)
		snprintf(nv->str, sizeof(nv->str), "%s", str);
	nv->is_str = str != NULL;
	f->n++;
	return true;
}

static bool nks_jvalue(struct nks_jparse *j);

/* Appends ".@key" (or "@key" at the root) to the path; returns the old end. */
static size_t nks_jpush(struct nks_jparse *j, const char *key)
{
	size_t len = strlen(j->path);

	snprintf(j->path + len, sizeof(j->path) - len, "%s%s", len ? "." : "", key);
	return len;
}

/*
 * A list element's name: its "name", "table" or "counter" member, found
 * by a look ahead over the object; else its index.
 */
static void nks_jelem_name(struct nks_jparse *j, size_t idx, char *buf, size_t len)
{
	static const char *const keys[] = { "\"name\"", "\"table\"", "\"counter\"" };
	const char *p = j->p, *q;
	int depth = 0;
	size_t k;

	snprintf(buf, len, "%zu", idx);
	if (p >= j->end || *p != '{')
		return;
	/* only members of this object, not of objects inside it */
	for (q = p; q < j->end; q++) {
		if (*q == '"') {
			for (k = 0; depth == 1 && k < 3; k++) {
				size_t kl = strlen(keys[k]);
				struct nks_jparse sub;

				if ((size_t)(j->end - q) < kl || memcmp(q, keys[k], kl))
					continue;
				sub = (struct nks_jparse){ .p = q + kl, .end = j->end };
				nks_jskip_ws(&sub);
				if (sub.p >= sub.end || *sub.p != ':')
					continue;
				sub.p++;
				nks_jskip_ws(&sub);
				if (sub.p < sub.end && *sub.p == '"' &&
				    nks_jstring(&sub, buf, len))
					return;
				snprintf(buf, len, "%zu", idx);
			}
			/* skip the string */
			for (q++; q < j->end && *q != '"'; q++) {
				if (*q == '\\')
					q++;
			}
			continue;
		}
		if (*q == '{' || *q == '[')
			depth++;
		else if ((*q == '}' || *q == ']') && --depth == 0)
			return;
	}
}

static bool nks_jcontainer(struct nks_jparse *j, char open)
{
	char close = open == '{' ? '}' : ']';
	char key[128];
	size_t idx = 0;

	if (++j->depth > 32)
		return nks_jfail(j, "nested too deep");
	j->p++;
	nks_jskip_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		size_t old;

		nks_jskip_ws(j);
		if (open == '{') {
			if (!nks_jstring(j, key, sizeof(key)))
				return false;
			nks_jskip_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return nks_jfail(j, "':' was expected");
			j->p++;
			nks_jskip_ws(j);
		} else {
			nks_jelem_name(j, idx, key, sizeof(key));
		}
		old = nks_jpush(j, key);
		if (!nks_jvalue(j))
			return false;
		j->path[old] = '\0';
		idx++;
		nks_jskip_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return true;
		}
		return nks_jfail(j, open == '{' ? "',' or '}' was expected" :
					       "',' or ']' was expected");
	}
}

static bool nks_jvalue(struct nks_jparse *j)
{
	char buf[128], *end;
	long double v;
	size_t n;

	nks_jskip_ws(j);
	if (j->p >= j->end)
		return nks_jfail(j, "a value was expected");
	switch (*j->p) {
	case '{':
	case '[':
		return nks_jcontainer(j, *j->p);
	case '"':
		return nks_jstring(j, buf, sizeof(buf)) && nks_jadd(j, false, 0, buf);
	case 'n':
		if (j->end - j->p < 4 || memcmp(j->p, "null", 4))
			return nks_jfail(j, "a value was expected");
		j->p += 4;
		return nks_jadd(j, true, 0, NULL);
	case 't':
	case 'f':
		n = *j->p == 't' ? 4 : 5;
		if ((size_t)(j->end - j->p) < n ||
		    memcmp(j->p, *j->p == 't' ? "true" : "false", n))
			return nks_jfail(j, "a value was expected");
		v = *j->p == 't';
		j->p += n;
		return nks_jadd(j, false, v, NULL);
	}
	/* a number: copied out, as the input need not end in a NUL */
	for (n = 0; j->p + n < j->end && n + 1 < sizeof(buf) &&
		    strchr("+-0123456789.eE", j->p[n]); n++)
		buf[n] = j->p[n];
	buf[n] = '\0';
	if (!n)
		return nks_jfail(j, "a value was expected");
	errno = 0;
	v = strtold(buf, &end);
	if (*end || errno)
		return nks_jfail(j, "a malformed number");
	/*
	 * What diff writes back, a value or a change in percent, is at most
	 * a double: a number no double can hold is refused here.
	 */
	if (!(fabsl(v) <= DBL_MAX))
		return nks_jfail(j, "a number out of range");
	j->p += n;
	return nks_jadd(j, false, v, NULL);
}

int nks_json_flatten(const char *text, size_t len, struct nks_flat *out,
		     const char **err)
{
	struct nks_jparse j = { .p = text, .end = text + len, .out = out };

	memset(out, 0, sizeof(*out));
	if (nks_jvalue(&j)) {
		nks_jskip_ws(&j);
		if (j.p != j.end)
			nks_jfail(&j, "text after the document");
	}
	if (j.err) {
		*err = j.err;
		nks_flat_free(out);
		return -EINVAL;
	}
	return 0;
}

/* --- diff --------------------------------------------------------------- */

/*
 * A snapshot's counters: paths of its "groups" list without that prefix
 * and without the list's index ("groups.0.tcp.x" is "tcp.x").
 */
static const char *nks_counter_path(const char *path)
{
	const char *p;

	if (strncmp(path, "groups.", 7))
		return path;
	p = strchr(path + 7, '.');
	return p ? p + 1 : path;
}

struct nks_diff_row {
	const char *path;
	const struct nks_flat_val *a, *b;	/* NULL: not on that side */
	long double change;
	double rel;		/* |relative change|, INFINITY from 0 */
	int kind;		/* 0 both, 1 only in A, 2 only in B */
};

static const struct nks_flat_val *nks_flat_find(const struct nks_flat *f,
						const char *path, size_t hint)
{
	size_t i;

	if (hint < f->n && !strcmp(nks_counter_path(f->v[hint].path), path))
		return &f->v[hint];
	for (i = 0; i < f->n; i++) {
		if (!strcmp(nks_counter_path(f->v[i].path), path))
			return &f->v[i];
	}
	return NULL;
}

static int nks_diff_cmp(const void *x, const void *y)
{
	const struct nks_diff_row *a = x, *b = y;

	/* one-sided counters first, then by relative change, then by name */
	if (a->kind != b->kind)
		return (b->kind != 0) - (a->kind != 0);
	if (a->rel != b->rel)
		return a->rel < b->rel ? 1 : -1;
	return strcmp(a->path, b->path);
}

/* The number as text: integers exactly, others with 3 decimals. */
static const char *nks_num(const struct nks_flat_val *v, char *buf, size_t len)
{
	if (!v || v->null)
		return "n/a";
	if (v->v == floorl(v->v) && fabsl(v->v) < 1e19L)
		snprintf(buf, len, "%.0Lf", v->v);
	else
		snprintf(buf, len, "%.3Lf", v->v);
	return buf;
}

static bool nks_is_num(const struct nks_flat_val *v)
{
	return v && !v->null && !v->is_str;
}

/* The snapshot's string at @path, e.g. its kernel release; "?" if none. */
static const char *nks_flat_str(const struct nks_flat *f, const char *path)
{
	const struct nks_flat_val *v = nks_flat_find(f, path, 0);

	return v && v->is_str ? v->str : "?";
}

static int nks_read_file(const char *name, char **text, size_t *len)
{
	FILE *f = fopen(name, "re");
	size_t cap = 65536, n = 0;
	char *buf = NULL, *nb;

	if (!f) {
		fprintf(stderr, "nkstat: diff: cannot read %s: %s\n", name, strerror(errno));
		return NKS_EXIT_USAGE;
	}
	for (;;) {
		size_t got;

		nb = realloc(buf, cap);
		if (!nb) {
			free(buf);
			fclose(f);
			fprintf(stderr, "nkstat: diff: out of memory reading %s\n", name);
			return NKS_EXIT_USAGE;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		cap *= 2;
	}
	fclose(f);
	*text = buf;
	*len = n;
	return 0;
}

static int nks_load(const char *name, struct nks_flat *f)
{
	const char *err = NULL;
	char *text;
	size_t len;
	int ret;

	ret = nks_read_file(name, &text, &len);
	if (ret)
		return ret;
	ret = nks_json_flatten(text, len, f, &err);
	free(text);
	if (ret) {
		fprintf(stderr, "nkstat: diff: %s is not nkstat JSON: %s\n", name, err);
		return NKS_EXIT_USAGE;
	}
	return 0;
}

static int nks_diff_usage(const char *what)
{
	fprintf(stderr, "nkstat: diff: %s; usage: diff A B [GROUP] [--all]\n", what);
	return NKS_EXIT_USAGE;
}

static bool nks_in_group(const char *path, const char *group)
{
	size_t n = group ? strlen(group) : 0;

	return !group || (!strncmp(path, group, n) && path[n] == '.');
}

/* "key": the number, or null when absent or n/a */
static void nks_json_num(struct nks_json *j, const char *key,
			 const struct nks_flat_val *v)
{
	/* long double holds every u64 exactly: so does the output */
	if (nks_is_num(v) && v->v == floorl(v->v) && v->v >= 0 && v->v < 0x1p64L)
		nks_json_ku64(j, key, true, (uint64_t)v->v);
	else if (nks_is_num(v) && v->v == floorl(v->v) && v->v > -9e18L && v->v < 0)
		nks_json_ki64(j, key, true, (int64_t)v->v);
	else
		nks_json_kfixed1(j, key, nks_is_num(v), nks_is_num(v) ? (double)v->v : 0);
}

static void nks_diff_out(const struct nks_diff_row *rows, size_t n,
			 const struct nks_flat *fa, const struct nks_flat *fb,
			 const char *na, const char *nb, const struct nks_opts *opts)
{
	char x[64], y[64], c[64], r[32];
	struct nks_json j;
	size_t i, w = 7;

	if (opts->json) {
		nks_json_init(&j, stdout, opts->pretty);
		nks_json_open(&j, '{');
		nks_json_key(&j, "diff");
		nks_json_open(&j, '[');
		for (i = 0; i < n; i++) {
			const struct nks_diff_row *d = &rows[i];

			nks_json_open(&j, '{');
			nks_json_kstr(&j, "counter", d->path);
			nks_json_num(&j, "a", d->a);
			nks_json_num(&j, "b", d->b);
			nks_json_kstr(&j, "only", d->kind == 1 ? "a" : d->kind == 2 ? "b" : NULL);
			/* null when one side lacks it, A is 0 or it overflows */
			nks_json_kfixed1(&j, "change_pct", !d->kind && isfinite(100 * d->rel),
					 d->change < 0 ? -100 * d->rel : 100 * d->rel);
			nks_json_close(&j, '}');
		}
		nks_json_close(&j, ']');
		nks_json_close(&j, '}');
		nks_json_end(&j);
		return;
	}
	for (i = 0; i < n; i++)
		w = strlen(rows[i].path) > w ? strlen(rows[i].path) : w;
	printf("A  %s: kernel %s, module %s, taken %s\n", na,
	       nks_flat_str(fa, "info.kernel_release"), nks_flat_str(fa, "info.module_version"),
	       nks_flat_str(fa, "snapshot.taken_at"));
	printf("B  %s: kernel %s, module %s, taken %s\n\n", nb,
	       nks_flat_str(fb, "info.kernel_release"), nks_flat_str(fb, "info.module_version"),
	       nks_flat_str(fb, "snapshot.taken_at"));
	printf("%-*s %12s %12s %12s %9s\n", (int)w, "COUNTER", "A", "B", "B-A", "CHANGE");
	for (i = 0; i < n; i++) {
		const struct nks_diff_row *d = &rows[i];

		if (d->kind) {
			printf("%-*s %12s %12s %12s %9s\n", (int)w, d->path,
			       nks_num(d->a, x, sizeof(x)), nks_num(d->b, y, sizeof(y)), "",
			       d->kind == 1 ? "only A" : "only B");
			continue;
		}
		snprintf(c, sizeof(c), "%+.0Lf", d->change);
		if (d->change != floorl(d->change))
			snprintf(c, sizeof(c), "%+.3Lf", d->change);
		if (isinf(d->rel))
			snprintf(r, sizeof(r), "new");
		else
			snprintf(r, sizeof(r), "%+.1f%%", d->change < 0 ? -100 * d->rel :
				 100 * d->rel);
		printf("%-*s %12s %12s %12s %9s\n", (int)w, d->path, nks_num(d->a, x, sizeof(x)),
		       nks_num(d->b, y, sizeof(y)), c, r);
	}
	if (!n)
		printf("(no counter differs)\n");
}

int nks_cmd_diff(const struct nks_opts *opts, int argc, char **argv)
{
	struct nks_flat fa, fb;
	struct nks_diff_row *rows;
	const char *group = NULL, *files[2];
	size_t i, n = 0, nf = 0;
	bool all = false;
	int k, ret;

	for (k = 0; k < argc; k++) {
		if (!strcmp(argv[k], "--all"))
			all = true;
		else if (nf < 2)
			files[nf++] = argv[k];
		else if (!group && nks_group_id(argv[k]) > 0)
			group = argv[k];
		else
			return nks_diff_usage("unknown argument, or a group nkstat does not have");
	}
	if (nf < 2)
		return nks_diff_usage("two snapshots are needed");
	if (opts->prom)
		return nks_diff_usage("-o prometheus does not apply");
	ret = nks_load(files[0], &fa);
	if (ret)
		return ret;
	ret = nks_load(files[1], &fb);
	if (ret) {
		nks_flat_free(&fa);
		return ret;
	}
	rows = calloc(fa.n + fb.n + 1, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "nkstat: diff: out of memory\n");
		ret = NKS_EXIT_USAGE;
		goto out;
	}
	/* every numeric path of A, then those of B that A lacks */
	for (k = 0; k < 2; k++) {
		const struct nks_flat *self = k ? &fb : &fa, *other = k ? &fa : &fb;

		for (i = 0; i < self->n; i++) {
			const char *path = nks_counter_path(self->v[i].path);
			const struct nks_flat_val *o = nks_flat_find(other, path, i);
			struct nks_diff_row *d = &rows[n];

			if (self->v[i].is_str || !strncmp(path, "snapshot.", 9) ||
			    !nks_in_group(path, group))
				continue;
			if (k && o)
				continue;	/* seen from A's side */
			d->path = path;
			d->a = k ? o : &self->v[i];
			d->b = k ? &self->v[i] : o;
			if (!nks_is_num(d->a) && !nks_is_num(d->b))
				continue;
			if (!nks_is_num(d->a) || !nks_is_num(d->b)) {
				d->kind = nks_is_num(d->a) ? 1 : 2;
			} else {
				d->change = d->b->v - d->a->v;
				if (!d->change && !all)
					continue;
				d->rel = d->a->v ? (double)fabsl(d->change / d->a->v) :
					 d->change ? INFINITY : 0;
			}
			n++;
		}
	}
	qsort(rows, n, sizeof(*rows), nks_diff_cmp);
	nks_diff_out(rows, n, &fa, &fb, files[0], files[1], opts);
	free(rows);
out:
	nks_flat_free(&fa);
	nks_flat_free(&fb);
	return ret;
}
