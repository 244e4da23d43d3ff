// SPDX-License-Identifier: GPL-2.0
/*
 * nkstat __complete WORD...: the words that may come after WORD... on a
 * command line, one per line, for tools/nkstat.bash-completion. Group
 * names come from the loaded module when there is one, netns names from
 * /run/netns: the completion asks the tool, which knows them live. A line
 * "@files" asks the shell to complete a file name.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <linux/nkstat.h>
#include <netlink/genl/genl.h>

#include "nkstat.h"

static int nks_complete_groups_reply(const struct nks_reply *r, void *arg)
{
	struct nlattr *a, *g[NKSTAT_GROUP_A_MAX + 1];
	int rem;

	(void)arg;
	nla_for_each_attr(a, r->attrs, r->len, rem) {
		if (nla_type(a) == NKSTAT_A_GROUP &&
		    !nla_parse_nested(g, NKSTAT_GROUP_A_MAX, a, NULL) &&
		    nks_attr_str(g[NKSTAT_GROUP_A_NAME]))
			printf("%s\n", nks_attr_str(g[NKSTAT_GROUP_A_NAME]));
	}
	return 0;
}

/* The module's groups, or this tool's list without a module. */
static void nks_complete_groups(void)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
	struct nks_nl nl;

	/* no "module not loaded" in the middle of a command line */
	if (null >= 0)
		dup2(null, STDERR_FILENO);
	if (!nks_nl_open(&nl)) {
		nks_nl_cmd(&nl, NKSTAT_CMD_GET_INFO, 0, 0, 0,
			   nks_complete_groups_reply, NULL);
		nks_nl_close(&nl);
	} else {
		for (uint32_t id = 1; id <= NKSTAT_GROUP_MAX; id++)
			printf("%s\n", nks_group_name(id));
	}
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
}

static void nks_complete_netns(void)
{
	struct dirent *e;
	DIR *d = opendir("/run/netns");

	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.')
			printf("%s\n", e->d_name);
	}
	if (d)
		closedir(d);
}

static void nks_complete_words(const char *const *words)
{
	for (; *words; words++)
		printf("%s\n", *words);
}

int nks_complete(int argc, char **argv, const char *const *objects)
{
	static const char *const options[] = {
		"-j", "-p", "-o", "-n", "-V", "-h", "--json", "--pretty", "--output",
		"--netns", "--version", "--help", NULL,
	};
	static const char *const formats[] = { "text", "json", "prometheus", NULL };
	static const char *const neigh[] = { "arp", "ndisc", "dev", NULL };
	static const char *const list[] = { "list", NULL };
	static const char *const orphans[] = { "orphans", NULL };
	static const char *const watch_opts[] = { "-i", "-c", NULL };
	static const char *const snapshot_opts[] = { "-o", NULL };
	static const char *const diff_opts[] = { "--all", NULL };
	static const char *const orphans_opts[] = { "--zero-window", "--peers", NULL };
	static const char *const list_opts[] = {
		"--top", "--range", "--ephemeral", "--min-owners", NULL,
	};
	const char *prev = argc ? argv[argc - 1] : "";
	int i;

	/* the object: the first word that is not an option or its value */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") ||
		    !strcmp(argv[i], "-n") || !strcmp(argv[i], "--netns")) {
			if (i == argc - 1)
				break;	/* its value comes next */
			i++;
			continue;
		}
		if (argv[i][0] != '-')
			break;
	}
	if (i == argc - 1 && (!strcmp(prev, "-o") || !strcmp(prev, "--output"))) {
		nks_complete_words(formats);
		return NKS_EXIT_OK;
	}
	if (i == argc - 1 && (!strcmp(prev, "-n") || !strcmp(prev, "--netns"))) {
		nks_complete_netns();
		return NKS_EXIT_OK;
	}
	if (i >= argc) {
		nks_complete_words(objects);
		nks_complete_words(options);
		return NKS_EXIT_OK;
	}
	if (!strcmp(argv[i], "info") && i == argc - 1) {
		nks_complete_groups();
	} else if (!strcmp(argv[i], "watch") &&
		   (!strcmp(prev, "-i") || !strcmp(prev, "-c"))) {
		/* a number */
	} else if (!strcmp(argv[i], "watch")) {
		nks_complete_groups();
		nks_complete_words(watch_opts);
	} else if (!strcmp(argv[i], "snapshot") && i == argc - 1) {
		nks_complete_words(snapshot_opts);
	} else if (!strcmp(argv[i], "diff") && argc - i > 2) {
		nks_complete_groups();
		nks_complete_words(diff_opts);
	} else if (!strcmp(argv[i], "diff") || !strcmp(argv[i], "snapshot")) {
		/* a file name: the shell's own completion */
		printf("@files\n");
	}
	else if (!strcmp(argv[i], "neigh") && i == argc - 1)
		nks_complete_words(neigh);
	else if (!strcmp(argv[i], "ports") && i == argc - 1)
		nks_complete_words(list);
	else if (!strcmp(argv[i], "ports") && !strcmp(argv[i + 1], "list"))
		nks_complete_words(list_opts);
	else if (!strcmp(argv[i], "tcp") && i == argc - 1)
		nks_complete_words(orphans);
	else if (!strcmp(argv[i], "tcp") && !strcmp(argv[i + 1], "orphans"))
		nks_complete_words(orphans_opts);
	return NKS_EXIT_OK;
}
