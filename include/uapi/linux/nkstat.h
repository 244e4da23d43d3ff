/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nkstat: network-stack counters that /proc, nstat and ss do not expose,
 * reported over the generic netlink family "nkstat".
 *
 * This header is the whole ABI. It is append-only: attribute and command
 * numbers start at 1, are never reused and never reordered. Clients must
 * skip attributes they do not know and treat a missing attribute as "not
 * available on this kernel", never as zero.
 *
 * Requests are validated strictly: an attribute a command does not take,
 * a wrong length or a non-zero reserved header byte gets -EINVAL and an
 * extended ack message.
 *
 * NKSTAT_CMD_GET_INFO (do; any caller, in any netns)
 *   request:
 *     [NKSTAT_A_GROUP_ID]             u32, optional: report only this group
 *   reply:
 *     NKSTAT_A_MODULE_VERSION         string
 *     NKSTAT_A_KERNEL_RELEASE         string, the running kernel's release
 *     NKSTAT_A_NETNS_REQUESTS         u64, requests this module has served
 *                                     in the caller's netns
 *     NKSTAT_A_GROUP                  nest, repeated: one per counter group
 *       NKSTAT_GROUP_A_ID             u32, enum nkstat_group
 *       NKSTAT_GROUP_A_NAME           string
 *       NKSTAT_GROUP_A_STATE          u32, enum nkstat_group_state
 *       [NKSTAT_GROUP_A_REASON]       string, why the group is not active
 *       NKSTAT_GROUP_A_HOOK           nest, repeated: one per hook used
 *         NKSTAT_HOOK_A_NAME          string, e.g. "__inet_hash_connect"
 *         NKSTAT_HOOK_A_KIND          u32, enum nkstat_hook_kind
 *         [NKSTAT_HOOK_A_ERROR]       u32, positive errno: attaching failed
 *       NKSTAT_GROUP_A_UNAVAILABLE    nest, repeated: one per counter this
 *                                     kernel cannot provide
 *         NKSTAT_UNAVAIL_A_COUNTER    string, the counter's name
 *         NKSTAT_UNAVAIL_A_REASON     string
 */
#ifndef _UAPI_LINUX_NKSTAT_H
#define _UAPI_LINUX_NKSTAT_H

#define NKSTAT_GENL_NAME	"nkstat"
#define NKSTAT_GENL_VERSION	1

enum nkstat_cmd {
	NKSTAT_CMD_UNSPEC,
	NKSTAT_CMD_GET_INFO,

	__NKSTAT_CMD_MAX,
	NKSTAT_CMD_MAX = __NKSTAT_CMD_MAX - 1
};

/* Top-level attributes, shared by all commands. */
enum nkstat_attr {
	NKSTAT_A_UNSPEC,
	NKSTAT_A_PAD,
	NKSTAT_A_MODULE_VERSION,
	NKSTAT_A_KERNEL_RELEASE,
	NKSTAT_A_NETNS_REQUESTS,
	NKSTAT_A_GROUP_ID,
	NKSTAT_A_GROUP,

	__NKSTAT_A_MAX,
	NKSTAT_A_MAX = __NKSTAT_A_MAX - 1
};

/* Counter groups. A group is one incident's worth of counters. */
enum nkstat_group {
	NKSTAT_GROUP_UNSPEC,
	NKSTAT_GROUP_NEIGH,	/* neighbour (ARP/NDISC) tables */
	NKSTAT_GROUP_PORTS,	/* bind hash, ephemeral ports, TIME_WAIT */
	NKSTAT_GROUP_TCP,	/* orphans, zero-window probes, aborts */

	__NKSTAT_GROUP_MAX,
	NKSTAT_GROUP_MAX = __NKSTAT_GROUP_MAX - 1
};

enum nkstat_group_state {
	NKSTAT_GROUP_STATE_UNSPEC,
	/* every counter of the group is reported */
	NKSTAT_GROUP_STATE_ACTIVE,
	/* reported, but some counters are missing: see NKSTAT_GROUP_A_UNAVAILABLE */
	NKSTAT_GROUP_STATE_PARTIAL,
	/* nothing of the group is reported: see NKSTAT_GROUP_A_REASON */
	NKSTAT_GROUP_STATE_UNAVAILABLE,

	__NKSTAT_GROUP_STATE_MAX,
	NKSTAT_GROUP_STATE_MAX = __NKSTAT_GROUP_STATE_MAX - 1
};

enum nkstat_group_attr {
	NKSTAT_GROUP_A_UNSPEC,
	NKSTAT_GROUP_A_ID,
	NKSTAT_GROUP_A_NAME,
	NKSTAT_GROUP_A_STATE,
	NKSTAT_GROUP_A_REASON,
	NKSTAT_GROUP_A_HOOK,
	NKSTAT_GROUP_A_UNAVAILABLE,

	__NKSTAT_GROUP_A_MAX,
	NKSTAT_GROUP_A_MAX = __NKSTAT_GROUP_A_MAX - 1
};

/* How a group gets at the kernel's data. */
enum nkstat_hook_kind {
	NKSTAT_HOOK_KIND_UNSPEC,
	NKSTAT_HOOK_KIND_KPROBE,
	NKSTAT_HOOK_KIND_KRETPROBE,
	NKSTAT_HOOK_KIND_TRACEPOINT,
	NKSTAT_HOOK_KIND_SYMBOL,	/* a symbol looked up at load time */
	NKSTAT_HOOK_KIND_WALK,		/* a walk of a kernel table on request */

	__NKSTAT_HOOK_KIND_MAX,
	NKSTAT_HOOK_KIND_MAX = __NKSTAT_HOOK_KIND_MAX - 1
};

enum nkstat_hook_attr {
	NKSTAT_HOOK_A_UNSPEC,
	NKSTAT_HOOK_A_NAME,
	NKSTAT_HOOK_A_KIND,
	NKSTAT_HOOK_A_ERROR,

	__NKSTAT_HOOK_A_MAX,
	NKSTAT_HOOK_A_MAX = __NKSTAT_HOOK_A_MAX - 1
};

enum nkstat_unavail_attr {
	NKSTAT_UNAVAIL_A_UNSPEC,
	NKSTAT_UNAVAIL_A_COUNTER,
	NKSTAT_UNAVAIL_A_REASON,

	__NKSTAT_UNAVAIL_A_MAX,
	NKSTAT_UNAVAIL_A_MAX = __NKSTAT_UNAVAIL_A_MAX - 1
};

#endif /* _UAPI_LINUX_NKSTAT_H */
