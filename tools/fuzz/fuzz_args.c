// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_args: the command line. The tool's main(), compiled as nks_main(),
 * runs with argv[0] "nkstat" and the input split at NUL bytes into at most
 * 16 more arguments: the options (getopt_long), the object lookup by
 * prefix, each command's own arguments, and "__complete" (the bash
 * completion's entry).
 *
 * The harness keeps the fuzzer to itself:
 * - genl_ctrl_resolve() is replaced by one that always finds no nkstat
 *   family, as on a host without the module: a command that needs the
 *   module fails with status 3 once its arguments are parsed, whatever the
 *   host runs, so watch never reaches its sleep.
 * - setns() is replaced by one that fails (EPERM): -n never moves the
 *   fuzzer into another network namespace.
 * - An argument holding a '/' is refused (not fuzzed), and the tool runs
 *   in a directory of its own holding two snapshots, A and B: diff reads
 *   those, snapshot -o writes its FILE.tmp there (and removes it when the
 *   module is missing); nothing else is read, written or waited on (a FIFO,
 *   /dev/zero).
 * The exit status must be one nkstat(8) documents: 0 to 3.
 *
 * NKS_FUZZ_SHOW=1 in the environment keeps stdout and prints each exit
 * status, to see what one input does: ./fuzz_args FILE.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>

#include "../nkstat.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* tools/main.c, built with -Dmain=nks_main */
int nks_main(int argc, char **argv);

#define FUZZ_MAX_ARGS 16

/* Two snapshots, as nkstat snapshot writes them (from corpus/fuzz_json). */
static const char fuzz_snap_a[] =
#include "snap_a.inc"
	;
static const char fuzz_snap_b[] =
#include "snap_b.inc"
	;

static char fuzz_dir[] = "/tmp/nkstat-fuzz-args.XXXXXX";
static bool fuzz_show;
static int fuzz_dir_fd = -1, fuzz_cwd_fd = -1;

int genl_ctrl_resolve(struct nl_sock *sk, const char *name)
{
	(void)sk;
	(void)name;
	return -NLE_OBJ_NOTFOUND;
}

int setns(int fd, int nstype)
{
	(void)fd;
	(void)nstype;
	errno = EPERM;
	return -1;
}

static void fuzz_write(const char *name, const char *text)
{
	int fd = openat(fuzz_dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	close(fd);
}

/* Removes the directory and what the tool left in it. */
static void fuzz_cleanup(void)
{
	DIR *d = fdopendir(dup(fuzz_dir_fd));
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(fuzz_dir_fd, e->d_name, 0);
	}
	if (d)
		closedir(d);
	rmdir(fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fuzz_show = getenv("NKS_FUZZ_SHOW") && *getenv("NKS_FUZZ_SHOW");
	if (!fuzz_show) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			abort();
		close(fd);
	}
	if (!mkdtemp(fuzz_dir))
		abort();
	fuzz_dir_fd = open(fuzz_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fuzz_cwd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fuzz_dir_fd < 0 || fuzz_cwd_fd < 0)
		abort();
	fuzz_write("A", fuzz_snap_a);
	fuzz_write("B", fuzz_snap_b);
	atexit(fuzz_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 2] = { NULL };
	struct sigaction sa_int, sa_term;
	const uint8_t *p = data, *end = data + size;
	int argc = 0, ret = -1, i;

	argv[argc++] = strdup("nkstat");
	/* "a\0b" is two arguments, "a\0" one, "" none */
	while (p < end) {
		const uint8_t *nul = memchr(p, 0, end - p);
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);

		if (argc > FUZZ_MAX_ARGS || memchr(p, '/', len))
			goto out;
		/* each its own allocation, of exactly its size */
		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			abort();
		memcpy(argv[argc], p, len);
		argv[argc++][len] = '\0';
		p += len + 1;
	}

	optind = 0;		/* glibc: start getopt over, from scratch */
	sigaction(SIGINT, NULL, &sa_int);
	sigaction(SIGTERM, NULL, &sa_term);
	if (fchdir(fuzz_dir_fd))
		abort();
	ret = nks_main(argc, argv);
	fflush(stdout);
	if (fchdir(fuzz_cwd_fd))
		abort();
	/* watch takes over SIGINT and SIGTERM: give them back to libFuzzer */
	sigaction(SIGINT, &sa_int, NULL);
	sigaction(SIGTERM, &sa_term, NULL);
	if (fuzz_show)
		fprintf(stderr, "fuzz_args: exit status %d\n", ret);
	if (ret < NKS_EXIT_OK || ret > NKS_EXIT_NOMOD) {
		fprintf(stderr, "fuzz_args: exit status %d\n", ret);
		abort();
	}
	ret = 0;
out:
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return ret;
}
