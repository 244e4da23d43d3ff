/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_GROUP_H
#define _NKS_GROUP_H

#include <linux/types.h>

struct genl_ops;
struct kprobe;

/* A hook a group attached, or tried to, at load time. */
struct nks_hook {
	const char *name;
	u32 kind;		/* enum nkstat_hook_kind */
	int err;		/* 0, or the errno attaching failed with */
	/* a kprobe, or a kretprobe's: its misses are reported */
	const struct kprobe *kp;
	/* the counters it feeds: lossy once it missed a hit */
	const char *const *feeds;
	unsigned int n_feeds;
};

/*
 * -ECANCELED if the skip_hooks module parameter names @name: the group
 * must not attach that hook; else 0.
 */
int nks_hook_skipped(const char *name);

/* Hits @hook did not handle since load; 0 for a hook that is no probe. */
u64 nks_hook_missed(const struct nks_hook *hook);

/* A counter of an active group that this kernel cannot provide. */
struct nks_unavail {
	const char *counter;
	const char *reason;
};

/*
 * A counter group: one incident's worth of counters. init() attaches the
 * group's hooks and records each in @hooks. It returns 0 when the group
 * can report (listing in @unavail what it cannot), or a negative errno
 * with @reason set when it cannot report at all. A group failing never
 * fails the module load.
 */
struct nks_group {
	u32 id;			/* enum nkstat_group */
	const char *name;
	int (*init)(struct nks_group *grp);
	void (*exit)(struct nks_group *grp);
	/* its commands, each with its own policy; the family takes them */
	const struct genl_ops *ops;
	unsigned int n_ops;
	/* per-netns event counters it keeps (netns.h) */
	unsigned int netns_counters;

	/* Set by nks_groups_netns_layout(): the first of its counters. */
	unsigned int netns_base;

	/* Set at load time, read-only afterwards. */
	u32 state;		/* enum nkstat_group_state */
	const char *reason;
	const struct nks_hook *hooks;
	unsigned int n_hooks;
	struct nks_unavail *unavail;	/* room for max_unavail */
	unsigned int max_unavail;
	unsigned int n_unavail;
	/* counters that are estimates; the others are exact */
	const char *const *estimates;
	unsigned int n_estimates;
};

/* Lists @counter as one this kernel cannot provide, and why (init only). */
void nks_group_unavail(struct nks_group *grp, const char *counter,
		       const char *reason);

/*
 * Gives each group a block of netns_counters per-netns counters, from
 * @first on; returns the end of the last block.
 */
unsigned int nks_groups_netns_layout(unsigned int first);

void nks_groups_init(void);
void nks_groups_exit(void);

const struct nks_group *nks_group_find(u32 id);
/* The i-th group, or NULL past the last one. */
const struct nks_group *nks_group_at(unsigned int i);

/*
 * Every group, each defined by its own file, and the registry of them
 * (group.c), in one declaration from groups.h's list.
 */
#define NKS_GROUP(name) nks_group_##name,
extern struct nks_group
#include "groups.h"
	*const nks_groups[];
#undef NKS_GROUP

#endif /* _NKS_GROUP_H */
