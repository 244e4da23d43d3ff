// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_json: the JSON reader of nkstat diff, nks_json_flatten(), and the
 * diff itself.
 *
 * The input is one document, or two separated by a NUL byte. Each is
 * flattened from a buffer of exactly its length (no NUL after it, as the
 * reader allows) and the result checked. Then nks_cmd_diff() compares the
 * two (a single document with itself), reading them from memfds as it
 * reads files: in text with --all, and in JSON, indented with the group
 * "tcp" and compact; its JSON must read back with nks_json_flatten().
 */
#define _GNU_SOURCE		/* memfd_create() */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../nkstat.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_fd[2] = { -1, -1 };
static char fuzz_path[2][32];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int i, fd;

	(void)argc;
	(void)argv;
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		abort();
	close(fd);
	/* the diff's two files: opened by name, as diff opens them */
	for (i = 0; i < 2; i++) {
		fuzz_fd[i] = memfd_create(i ? "nkstat-fuzz-b" : "nkstat-fuzz-a", MFD_CLOEXEC);
		if (fuzz_fd[i] < 0)
			abort();
		snprintf(fuzz_path[i], sizeof(fuzz_path[i]), "/proc/self/fd/%d",
			 fuzz_fd[i]);
	}
	return 0;
}

/* Flattens @len bytes at @text, a copy of exactly that size; true if valid. */
static bool fuzz_flatten(const uint8_t *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	const char *err = NULL;
	struct nks_flat flat;
	size_t i;
	int ret;

	if (!copy)
		abort();
	if (len)
		memcpy(copy, text, len);
	ret = nks_json_flatten(copy, len, &flat, &err);
	free(copy);
	if (ret) {
		/* an error says why, and leaves nothing to free */
		if (ret != -EINVAL || !err || !*err || flat.v || flat.n || flat.cap)
			abort();
		return false;
	}
	if (flat.n > flat.cap || (flat.n && !flat.v))
		abort();
	for (i = 0; i < flat.n; i++) {
		const struct nks_flat_val *v = &flat.v[i];

		if (!v->path || strlen(v->path) >= 512 ||
		    strnlen(v->str, sizeof(v->str)) == sizeof(v->str) ||
		    (v->is_str && v->null) || (v->null && v->v != 0))
			abort();
	}
	nks_flat_free(&flat);
	if (flat.v || flat.n || flat.cap)
		abort();
	return true;
}

static void fuzz_file(int i, const uint8_t *text, size_t len)
{
	if (ftruncate(fuzz_fd[i], 0) ||
	    (len && pwrite(fuzz_fd[i], text, len, 0) != (ssize_t)len))
		abort();
}

/* nkstat [-j|-p] diff A B [ARG]; JSON output must read back. */
static void fuzz_diff(const struct nks_opts *opts, const char *arg)
{
	char *argv[] = { fuzz_path[0], fuzz_path[1], (char *)arg, NULL };
	FILE *out = stdout;
	struct nks_flat flat;
	const char *err;
	size_t len = 0;
	char *buf = NULL;
	int ret;

	if (opts->json) {
		fflush(stdout);
		stdout = open_memstream(&buf, &len);
		if (!stdout)
			abort();
	}
	ret = nks_cmd_diff(opts, arg ? 3 : 2, argv);
	if (ret != NKS_EXIT_OK)
		abort();	/* both documents are valid */
	if (!opts->json)
		return;
	fclose(stdout);
	stdout = out;
	if (nks_json_flatten(buf, len, &flat, &err)) {
		fprintf(stderr, "fuzz_json: diff wrote JSON it cannot read: %s\n%.*s\n",
			err, (int)len, buf);
		abort();
	}
	nks_flat_free(&flat);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct nks_opts text = { .netns = "1" };
	static const struct nks_opts json = { .json = true, .netns = "1" };
	static const struct nks_opts pretty = { .json = true, .pretty = true, .netns = "1" };
	const uint8_t *nul = size ? memchr(data, 0, size) : NULL;
	size_t alen = nul ? (size_t)(nul - data) : size;
	const uint8_t *b = nul ? nul + 1 : data;
	size_t blen = nul ? size - alen - 1 : size;
	bool ok;

	ok = fuzz_flatten(data, alen);
	if (nul)
		ok = fuzz_flatten(b, blen) && ok;
	if (!ok)
		return 0;
	fuzz_file(0, data, alen);
	fuzz_file(1, b, blen);
	fuzz_diff(&text, "--all");
	fuzz_diff(&pretty, "tcp");
	fuzz_diff(&json, NULL);
	return 0;
}
