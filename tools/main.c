// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat [OPTIONS] [OBJECT [ARGS...]]
 *
 * Objects are looked up in a table, by full name or unique prefix, the
 * way ip(8) does. Exit codes are in nkstat.h and docs/nkstat.8.
 */
#define _GNU_SOURCE		/* setns() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>

#include "nkstat.h"

struct nks_command {
	const char *name;
	int (*fn)(const struct nks_opts *opts, int argc, char **argv);
	const char *args;
	const char *help;
};

static int nks_cmd_help(const struct nks_opts *opts, int argc, char **argv);
static int nks_cmd_version(const struct nks_opts *opts, int argc, char **argv);

static const struct nks_command nks_commands[] = {
	{ "summary", nks_cmd_summary, "",
	  "every group on one screen, with a verdict for each limit that is close" },
	{ "info", nks_cmd_info, "[GROUP]",
	  "module and kernel version, and each counter group's state" },
	{ "neigh", nks_cmd_neigh, "[TABLE|dev]",
	  "neighbour tables (arp, ndisc): gc, overflows, states; dev: per device" },
	{ "ports", nks_cmd_ports, "[list ...]",
	  "TCP bind hash, ephemeral ports, TIME_WAIT; list: per port" },
	{ "tcp", nks_cmd_tcp, "[orphans ...]",
	  "TCP orphans, zero-window stalls, aborts by cause; orphans: per socket" },
	{ "watch", nks_cmd_watch, "[-i S] [-c N] [GROUP]",
	  "counters' changes and rates every S seconds (default 1), as nstat does" },
	{ "snapshot", nks_cmd_snapshot, "[-o FILE]",
	  "every group's counters as one JSON document, for diff" },
	{ "diff", nks_cmd_diff, "A B [GROUP] [--all]",
	  "two snapshots (say 6.1 against 6.12), largest relative change first" },
	{ "version", nks_cmd_version, "", "print the tool's version" },
	{ "help", nks_cmd_help, "", "print this help" },
};

#define NKS_N_COMMANDS (sizeof(nks_commands) / sizeof(nks_commands[0]))

static void nks_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: nkstat [OPTIONS] [OBJECT [ARGS...]]\n"
		"\n"
		"Reports network-stack counters from the nkstat kernel module.\n"
		"\n"
		"Objects (a unique prefix is enough; the default is 'summary'):\n");
	for (i = 0; i < NKS_N_COMMANDS; i++)
		fprintf(f, "  %-9s %-22s %s\n", nks_commands[i].name,
			nks_commands[i].args, nks_commands[i].help);
	fprintf(f, "\nGroups:");
	nks_print_groups(f);
	fprintf(f,
		"\n\n"
		"Options:\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   indent JSON (implies --json)\n"
		"  -o, --output FORMAT\n"
		"                 text (default), json, or prometheus: text exposition\n"
		"                 for node_exporter's textfile collector; with no object,\n"
		"                 every group\n"
		"  -n, --netns NETNS\n"
		"                 query network namespace NETNS (a name under\n"
		"                 /run/netns, as ip -n takes, or a path)\n"
		"  -V, --version  print the tool's version\n"
		"  -h, --help     print this help\n"
		"\n"
		"Exit status: 0 success, 1 bad usage, 2 kernel or netlink error,\n"
		"3 the nkstat kernel module is not loaded, 4 permission denied\n"
		"(every object but info needs CAP_NET_ADMIN). See nkstat(8).\n");
}

static int nks_cmd_help(const struct nks_opts *opts, int argc, char **argv)
{
	(void)opts;
	(void)argv;
	if (argc) {
		fprintf(stderr, "nkstat: help takes no arguments\n");
		return NKS_EXIT_USAGE;
	}
	nks_usage(stdout);
	return NKS_EXIT_OK;
}

static int nks_cmd_version(const struct nks_opts *opts, int argc, char **argv)
{
	(void)opts;
	(void)argv;
	if (argc) {
		fprintf(stderr, "nkstat: version takes no arguments\n");
		return NKS_EXIT_USAGE;
	}
	printf("nkstat %s\n", NKSTAT_VERSION);
	return NKS_EXIT_OK;
}

/*
 * Moves this process into network namespace @name: a name under
 * /run/netns, as ip(8) creates them, or a path such as /proc/PID/ns/net.
 * The nkstat family answers for the netns of the socket that asks.
 */
static int nks_enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	if (!*name) {
		fprintf(stderr, "nkstat: -n needs a network namespace name\n");
		return NKS_EXIT_USAGE;
	}
	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nkstat: cannot open network namespace '%s' (%s): %s\n",
			name, path, strerror(errno));
		return NKS_EXIT_USAGE;
	}
	err = setns(fd, CLONE_NEWNET);
	if (err)
		fprintf(stderr, "nkstat: cannot enter network namespace '%s': %s\n",
			name, strerror(errno));
	close(fd);
	return err ? NKS_EXIT_USAGE : NKS_EXIT_OK;
}

/*
 * The netns label of Prometheus series: the name given with -n, else
 * the netns's inode number, as lsns(8) and ip netns identify show it.
 */
static const char *nks_netns_label(const char *netns, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	if (netns)
		return netns;
	n = readlink("/proc/self/ns/net", link, sizeof(link) - 1);
	if (n < 0)
		return "unknown";
	link[n] = '\0';
	/* "net:[4026531840]": sscanf() writes up to 64 bytes */
	if (len < 64 || sscanf(link, "net:[%63[0-9]]", buf) != 1)
		snprintf(buf, len, "%s", link);
	return buf;
}

/*
 * The command named @name, or its unique prefix; NULL if none, or if
 * @name is the prefix of several (@ambiguous is then set).
 */
static const struct nks_command *nks_find_command(const char *name, bool *ambiguous)
{
	const struct nks_command *found = NULL;
	size_t len = strlen(name);
	size_t i;

	*ambiguous = false;
	for (i = 0; i < NKS_N_COMMANDS; i++) {
		if (!strcmp(name, nks_commands[i].name))
			return &nks_commands[i];
		if (len && !strncmp(name, nks_commands[i].name, len)) {
			*ambiguous = found != NULL;
			found = &nks_commands[i];
		}
	}
	return *ambiguous ? NULL : found;
}

/* nkstat: ambiguous object 's' (summary, snapshot) */
static void nks_ambiguous(const char *name)
{
	const char *sep = "";
	size_t i;

	fprintf(stderr, "nkstat: ambiguous object '%s' (", name);
	for (i = 0; i < NKS_N_COMMANDS; i++) {
		if (!strncmp(name, nks_commands[i].name, strlen(name))) {
			fprintf(stderr, "%s%s", sep, nks_commands[i].name);
			sep = ", ";
		}
	}
	fprintf(stderr, "); try 'nkstat help'\n");
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "netns", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct nks_command *cmd;
	bool ambiguous;
	struct nks_opts opts = { 0 };
	const char *netns = NULL;
	char netns_buf[64];
	int c;

	/* one thread: stdio need not lock stdout for each of a dump's calls */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jpn:o:Vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			opts.prom = false;
			break;
		case 'p':
			opts.json = true;
			opts.prom = false;
			opts.pretty = true;
			break;
		case 'n':
			netns = optarg;
			break;
		case 'o':
			opts.json = !strcmp(optarg, "json");
			opts.prom = !strcmp(optarg, "prometheus");
			if (!opts.json && !opts.prom && strcmp(optarg, "text")) {
				fprintf(stderr, "nkstat: unknown output format '%s' (formats: text json prometheus)\n",
					optarg);
				return NKS_EXIT_USAGE;
			}
			break;
		case 'V':
			return nks_cmd_version(&opts, 0, NULL);
		case 'h':
			nks_usage(stdout);
			return NKS_EXIT_OK;
		case ':':
			fprintf(stderr, "nkstat: option '%s' needs a value; try 'nkstat help'\n",
				argv[optind - 1]);
			return NKS_EXIT_USAGE;
		default:
			fprintf(stderr, "nkstat: unknown option '%s'; try 'nkstat help'\n",
				argv[optind - 1]);
			return NKS_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (netns) {
		uint64_t unused;
		int ret;

		/* read while /proc/sys still shows the initial netns's globals */
		nks_tcp_max_orphans(&unused);
		ret = nks_enter_netns(netns);

		if (ret)
			return ret;
	}
	opts.netns = nks_netns_label(netns, netns_buf, sizeof(netns_buf));

	if (!argc)
		return nks_cmd_summary(&opts, 0, argv);
	if (!strcmp(argv[0], "__complete")) {
		const char *names[NKS_N_COMMANDS + 1] = { NULL };
		size_t i;

		for (i = 0; i < NKS_N_COMMANDS; i++)
			names[i] = nks_commands[i].name;
		return nks_complete(argc - 1, argv + 1, names);
	}
	cmd = nks_find_command(argv[0], &ambiguous);
	if (!cmd) {
		if (ambiguous)
			nks_ambiguous(argv[0]);
		else
			fprintf(stderr, "nkstat: unknown object '%s'; try 'nkstat help'\n",
				argv[0]);
		return NKS_EXIT_USAGE;
	}
	return cmd->fn(&opts, argc - 1, argv + 1);
}
