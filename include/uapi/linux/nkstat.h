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
 * docs/netlink/specs/nkstat.yaml describes the same ABI as a YNL spec, and
 * selftests/ynl.sh checks the two against each other.
 *
 * Requests are validated strictly: an attribute a command does not take,
 * a wrong length or a non-zero reserved header byte gets -EINVAL and an
 * extended ack message.
 *
 * Who may ask. GET_INFO walks nothing and is open to any caller. Every
 * other command walks a kernel table and needs CAP_NET_ADMIN over the
 * caller's netns (in the user namespace that owns it); a caller without
 * it gets -EPERM and an extended ack message. Values that describe the
 * whole host need CAP_NET_ADMIN in the initial user namespace: the
 * neighbour tables' table-wide values (NKSTAT_NEIGH_A_TABLE_HIDDEN
 * otherwise). Two host-wide values go to every admitted caller, because
 * the kernel already gives them to every user in every netns:
 * NKSTAT_TCP_A_ORPHANS_GLOBAL (the "orphan" count of /proc/net/sockstat)
 * and NKSTAT_PORTS_A_BHASH_SIZE (the bind hash size, a boot-time
 * constant that the kernel logs).
 *
 * The module does not load itself: there is no genetlink family alias,
 * so resolving the family never loads it. Load it with modprobe.
 *
 * Lossy counters. A counter fed by a kprobe or kretprobe that missed hits
 * since load (NKSTAT_HOOK_A_MISSED above 0) has lost events: its value
 * is a lower bound. GET_INFO lists such counters in NKSTAT_GROUP_A_LOSSY,
 * and each reply of GET_NEIGH, GET_PORTS and GET_TCP lists its own in
 * top-level NKSTAT_A_LOSSY strings, named as in NKSTAT_GROUP_A_LOSSY.
 * A GET_PORTS reply also lists there the walked figures (owners,
 * bind_buckets, ...) when its walk of a bind hash chain lost its place
 * three times (the owner it paused at kept leaving): they are lower
 * bounds then; a GET_TCP reply likewise lists "orphans",
 * "stalled_zero_window" and "with_user_timeout" for its established
 * hash walk.
 *
 * Walks hold a kernel lock with bottom halves off over a bounded number
 * of entries at a time, then drop it, reschedule and resume.
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
 *       [NKSTAT_GROUP_A_REASON]       string, why the group is unavailable
 *                                     (that state only: a partial group
 *                                     names what it lacks in
 *                                     NKSTAT_GROUP_A_UNAVAILABLE)
 *       NKSTAT_GROUP_A_HOOK           nest, repeated: one per hook used
 *         NKSTAT_HOOK_A_NAME          string, e.g. "__inet_hash_connect"
 *         NKSTAT_HOOK_A_KIND          u32, enum nkstat_hook_kind
 *         [NKSTAT_HOOK_A_ERROR]       u32, positive errno: attaching failed
 *         [NKSTAT_HOOK_A_MISSED]      u64, hits a kprobe or kretprobe did
 *                                     not handle (kretprobe: no free
 *                                     instance); its counts miss those
 *       NKSTAT_GROUP_A_UNAVAILABLE    nest, repeated: one per counter this
 *                                     kernel cannot provide
 *         NKSTAT_UNAVAIL_A_COUNTER    string, the counter's name
 *         NKSTAT_UNAVAIL_A_REASON     string
 *       NKSTAT_GROUP_A_ESTIMATE       string, repeated: a counter that is an
 *                                     estimate (attributed by the module);
 *                                     the others are exact
 *       NKSTAT_GROUP_A_LOSSY          string, repeated: a counter whose
 *                                     hook missed hits since load; its value
 *                                     is a lower bound
 *
 * NKSTAT_CMD_GET_NEIGH (do; CAP_NET_ADMIN over the netns)
 *   request:
 *     [NKSTAT_A_NEIGH_TABLE]          u32, enum nkstat_neigh_table: only this
 *   reply:
 *     NKSTAT_A_NEIGH                  nest, repeated: one per table
 *       NKSTAT_NEIGH_A_TABLE          u32, enum nkstat_neigh_table
 *       Table-wide values, only for a caller with CAP_NET_ADMIN in the
 *       initial user namespace (the tables are shared by all netns):
 *       NKSTAT_NEIGH_A_TABLE_HIDDEN   flag: the caller may not see them
 *       NKSTAT_NEIGH_A_ENTRIES .. NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS
 *                                     u64 each, see enum nkstat_neigh_attr
 *       NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST, ..._LATENCY_HIST
 *                                     nest of u64: attribute type i+1 holds
 *                                     bucket i (see NKSTAT_HIST_BUCKETS)
 *       Values for the caller's netns:
 *       NKSTAT_NEIGH_A_NUD            nest of u64 per state, enum nkstat_nud_attr
 *       NKSTAT_NEIGH_A_ALLOC_FAILURES u64, creations refused in this netns
 *
 * NKSTAT_CMD_GET_NEIGH_DEV (dump; CAP_NET_ADMIN over the netns)
 *   One message per device of the caller's netns, in ifindex order:
 *     NKSTAT_A_IFINDEX                u32
 *     NKSTAT_A_IFNAME                 string
 *     NKSTAT_A_NEIGH                  nest, repeated: one per table
 *       NKSTAT_NEIGH_A_TABLE          u32, enum nkstat_neigh_table
 *       NKSTAT_NEIGH_A_NUD            the device's entries by NUD state
 *       NKSTAT_NEIGH_A_ALLOC_FAILURES creations refused on the device
 *
 * NKSTAT_CMD_GET_PORTS (do; CAP_NET_ADMIN over the netns)
 *   The caller's netns's share of the TCP bind hash (shared by all netns),
 *   its ephemeral port range, and its TIME_WAIT figures.
 *   reply:
 *     NKSTAT_A_PORTS                  nest, see enum nkstat_ports_attr
 *
 * NKSTAT_CMD_GET_PORTS_LIST (dump; CAP_NET_ADMIN over the netns)
 *   request, every filter optional:
 *     [NKSTAT_A_PORT_MIN]             u16, lowest port (default 0)
 *     [NKSTAT_A_PORT_MAX]             u16, highest port (default 65535)
 *     [NKSTAT_A_PORT_EPHEMERAL]       flag: only the netns's
 *                                     ip_local_port_range (combined with
 *                                     the range above)
 *     [NKSTAT_A_PORT_MIN_OWNERS]      u32, only ports with at least this
 *                                     many owners (TIME_WAIT included)
 *   Messages of many bind buckets (a port and an l3mdev each), in port
 *   order and, within a port, l3mdev order. The dump resumes by that key,
 *   so a bucket hashed in or out meanwhile moves no other; like any walk
 *   of a live table, a bucket that comes or goes during the dump may be
 *   missed, and its owners are those seen as the walk passed:
 *     NKSTAT_A_PORT                   nest, repeated: see enum nkstat_port_attr
 *
 * NKSTAT_CMD_GET_TCP (do; CAP_NET_ADMIN over the netns)
 *   request: no attributes
 *   reply:
 *     NKSTAT_A_TCP                    nest, see enum nkstat_tcp_attr
 *
 * NKSTAT_CMD_GET_TCP_ORPHANS (dump; CAP_NET_ADMIN over the netns)
 *   request:
 *     [NKSTAT_A_ORPHAN_ZERO_WINDOW]   flag: only orphans stalled on a zero
 *                                     window (probing, or retransmitting
 *                                     into it)
 *   Messages of many orphaned TCP sockets of the caller's netns, in hash
 *   order. Like a sock_diag dump, a socket hashed or unhashed while the
 *   dump runs may be missed or, rarely, sent twice.
 *     NKSTAT_A_ORPHAN                 nest, repeated: see enum nkstat_orphan_attr
 */
#ifndef _UAPI_LINUX_NKSTAT_H
#define _UAPI_LINUX_NKSTAT_H

#define NKSTAT_GENL_NAME	"nkstat"
#define NKSTAT_GENL_VERSION	1

enum nkstat_cmd {
	NKSTAT_CMD_UNSPEC,
	NKSTAT_CMD_GET_INFO,
	NKSTAT_CMD_GET_NEIGH,
	NKSTAT_CMD_GET_NEIGH_DEV,
	NKSTAT_CMD_GET_PORTS,
	NKSTAT_CMD_GET_PORTS_LIST,
	NKSTAT_CMD_GET_TCP,
	NKSTAT_CMD_GET_TCP_ORPHANS,

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
	NKSTAT_A_NEIGH_TABLE,
	NKSTAT_A_NEIGH,
	NKSTAT_A_IFINDEX,
	NKSTAT_A_IFNAME,
	NKSTAT_A_PORTS,
	NKSTAT_A_PORT,
	NKSTAT_A_PORT_MIN,
	NKSTAT_A_PORT_MAX,
	NKSTAT_A_PORT_EPHEMERAL,
	NKSTAT_A_PORT_MIN_OWNERS,
	NKSTAT_A_TCP,
	NKSTAT_A_ORPHAN,
	NKSTAT_A_ORPHAN_ZERO_WINDOW,
	NKSTAT_A_LOSSY,

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
	NKSTAT_GROUP_A_ESTIMATE,
	NKSTAT_GROUP_A_LOSSY,

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
	NKSTAT_HOOK_A_PAD,
	NKSTAT_HOOK_A_MISSED,

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

enum nkstat_neigh_table {
	NKSTAT_NEIGH_TABLE_UNSPEC,
	NKSTAT_NEIGH_TABLE_ARP,		/* arp_cache */
	NKSTAT_NEIGH_TABLE_NDISC,	/* ndisc_cache */

	__NKSTAT_NEIGH_TABLE_MAX,
	NKSTAT_NEIGH_TABLE_MAX = __NKSTAT_NEIGH_TABLE_MAX - 1
};

/*
 * Histograms have NKSTAT_HIST_BUCKETS buckets. Bucket 0 counts the value
 * 0, bucket i (i >= 1) counts values in [2^(i-1), 2^i - 1], and the last
 * bucket counts everything from 2^(NKSTAT_HIST_BUCKETS-2) up. Latencies
 * are in microseconds.
 */
#define NKSTAT_HIST_BUCKETS	16

enum nkstat_neigh_attr {
	NKSTAT_NEIGH_A_UNSPEC,
	NKSTAT_NEIGH_A_PAD,
	NKSTAT_NEIGH_A_TABLE,
	NKSTAT_NEIGH_A_TABLE_HIDDEN,
	/* table-wide, copied from the kernel: exact */
	NKSTAT_NEIGH_A_ENTRIES,
	NKSTAT_NEIGH_A_GC_ENTRIES,	/* what the gc thresholds compare */
	NKSTAT_NEIGH_A_GC_THRESH1,
	NKSTAT_NEIGH_A_GC_THRESH2,
	NKSTAT_NEIGH_A_GC_THRESH3,
	NKSTAT_NEIGH_A_GC_INTERVAL_MS,
	NKSTAT_NEIGH_A_PERIODIC_GC_RUNS,
	NKSTAT_NEIGH_A_FORCED_GC_RUNS,
	/* table full: creation refused (every one, unlike the log line) */
	NKSTAT_NEIGH_A_FORCED_GC_FAILURES,
	NKSTAT_NEIGH_A_UNRESOLVED_DISCARDS,
	NKSTAT_NEIGH_A_RES_FAILED,
	/* table-wide, from hooks */
	NKSTAT_NEIGH_A_FORCED_GC_RUNS_TRACED,	/* runs the two below saw */
	NKSTAT_NEIGH_A_FORCED_GC_RECLAIMED,
	NKSTAT_NEIGH_A_FORCED_GC_RECLAIM_HIST,
	NKSTAT_NEIGH_A_FORCED_GC_LATENCY_HIST,
	/* runs proven stopped by their 1 ms budget: a lower bound */
	NKSTAT_NEIGH_A_FORCED_GC_BUDGET_HITS,
	NKSTAT_NEIGH_A_PERIODIC_GC_RECLAIMED,
	NKSTAT_NEIGH_A_LAST_OVERFLOW_AGE_MS,
	/* the caller's netns */
	NKSTAT_NEIGH_A_NUD,
	NKSTAT_NEIGH_A_ALLOC_FAILURES,

	__NKSTAT_NEIGH_A_MAX,
	NKSTAT_NEIGH_A_MAX = __NKSTAT_NEIGH_A_MAX - 1
};

/* Entries by NUD state, one u64 each. */
enum nkstat_nud_attr {
	NKSTAT_NUD_A_UNSPEC,
	NKSTAT_NUD_A_NONE,
	NKSTAT_NUD_A_INCOMPLETE,
	NKSTAT_NUD_A_REACHABLE,
	NKSTAT_NUD_A_STALE,
	NKSTAT_NUD_A_DELAY,
	NKSTAT_NUD_A_PROBE,
	NKSTAT_NUD_A_FAILED,
	NKSTAT_NUD_A_NOARP,
	NKSTAT_NUD_A_PERMANENT,

	__NKSTAT_NUD_A_MAX,
	NKSTAT_NUD_A_MAX = __NKSTAT_NUD_A_MAX - 1
};

/*
 * The caller's netns in the TCP bind hash, one u64 each. A bind bucket is
 * one (port, l3mdev) with owners; owners are the sockets bound to it,
 * TIME_WAIT ones included. TIME_WAIT owners are the kernel's timewait
 * sockets, as tw_count and sockstat's "tw" count them: that includes
 * closed sockets waiting in FIN_WAIT2, which ss shows as FIN-WAIT-2.
 */
enum nkstat_ports_attr {
	NKSTAT_PORTS_A_UNSPEC,
	NKSTAT_PORTS_A_PAD,
	NKSTAT_PORTS_A_BHASH_SIZE,	/* hash buckets, shared by every netns */
	NKSTAT_PORTS_A_BUCKETS_USED,	/* hash buckets holding this netns's */
	NKSTAT_PORTS_A_BIND_BUCKETS,
	NKSTAT_PORTS_A_MAX_CHAIN,	/* most bind buckets in one hash bucket */
	/* hash buckets by their number of this netns's bind buckets, as
	 * NKSTAT_HIST_BUCKETS (empty ones in bucket 0)
	 */
	NKSTAT_PORTS_A_CHAIN_HIST,
	NKSTAT_PORTS_A_OWNERS,
	NKSTAT_PORTS_A_TW_OWNERS,
	NKSTAT_PORTS_A_EPHEMERAL_LO,	/* ip_local_port_range, inclusive */
	NKSTAT_PORTS_A_EPHEMERAL_HI,
	/* ports in the range with at least one owner */
	NKSTAT_PORTS_A_EPHEMERAL_PORTS_USED,
	/* connect() failed: no free local port (or 4-tuple) */
	NKSTAT_PORTS_A_CONNECT_EADDRNOTAVAIL,
	/* TCP bind() or listen() refused: the port is in use */
	NKSTAT_PORTS_A_BIND_EADDRINUSE,
	NKSTAT_PORTS_A_TW_COUNT,	/* TIME_WAIT sockets (sockstat "tw") */
	NKSTAT_PORTS_A_TW_MAX,		/* net.ipv4.tcp_max_tw_buckets */
	/* TIME_WAIT not created: TcpExtTCPTimeWaitOverflow */
	NKSTAT_PORTS_A_TW_OVERFLOWS,
	/* TIME_WAIT taken over by connect(): TcpExtTWRecycled */
	NKSTAT_PORTS_A_TW_REUSE,

	__NKSTAT_PORTS_A_MAX,
	NKSTAT_PORTS_A_MAX = __NKSTAT_PORTS_A_MAX - 1
};

/* One bind bucket of the caller's netns. */
enum nkstat_port_attr {
	NKSTAT_PORT_A_UNSPEC,
	NKSTAT_PORT_A_PORT,		/* u32 */
	NKSTAT_PORT_A_L3MDEV,		/* u32, ifindex; 0: none */
	/* s32: 1 all owners allow SO_REUSEADDR, 0 not, -1 made by connect() */
	NKSTAT_PORT_A_FASTREUSE,
	NKSTAT_PORT_A_FASTREUSEPORT,	/* s32: as FASTREUSE, SO_REUSEPORT */
	NKSTAT_PORT_A_OWNERS,		/* u32, TIME_WAIT included */
	NKSTAT_PORT_A_TW_OWNERS,	/* u32 */
	NKSTAT_PORT_A_ADDRS,		/* u32, distinct local addresses */

	__NKSTAT_PORT_A_MAX,
	NKSTAT_PORT_A_MAX = __NKSTAT_PORT_A_MAX - 1
};

/*
 * TCP in the caller's netns. An orphan is a socket the application has
 * closed (SOCK_DEAD) that the kernel still holds; TIME_WAIT sockets are
 * not orphans here (see NKSTAT_PORTS_A_TW_COUNT). The census walks the
 * established hash: its values are exact at the time of the walk.
 */
enum nkstat_tcp_attr {
	NKSTAT_TCP_A_UNSPEC,
	NKSTAT_TCP_A_PAD,
	NKSTAT_TCP_A_ORPHANS,		/* nest, enum nkstat_orphans_attr */
	/* not orphans: zero-window probing, or retransmitting into a zero
	 * window
	 */
	NKSTAT_TCP_A_STALLED_ZERO_WINDOW,
	NKSTAT_TCP_A_WITH_USER_TIMEOUT,	/* of those, with TCP_USER_TIMEOUT */
	/* every netns: the kernel's orphan count (sockstat "orphan"), which
	 * net.ipv4.tcp_max_orphans limits
	 */
	NKSTAT_TCP_A_ORPHANS_GLOBAL,
	NKSTAT_TCP_A_ABORTS,		/* nest, enum nkstat_aborts_attr */
	/* the kernel's totals the aborts split: TcpExt MIB counters */
	NKSTAT_TCP_A_ABORT_ON_TIMEOUT,	/* TCPAbortOnTimeout */
	NKSTAT_TCP_A_ABORT_ON_MEMORY,	/* TCPAbortOnMemory */

	__NKSTAT_TCP_A_MAX,
	NKSTAT_TCP_A_MAX = __NKSTAT_TCP_A_MAX - 1
};

/* Orphans of the caller's netns, u64 each. */
enum nkstat_orphans_attr {
	NKSTAT_ORPHANS_A_UNSPEC,
	NKSTAT_ORPHANS_A_PAD,
	NKSTAT_ORPHANS_A_TOTAL,		/* every state */
	NKSTAT_ORPHANS_A_FIN_WAIT1,
	NKSTAT_ORPHANS_A_FIN_WAIT2,
	NKSTAT_ORPHANS_A_CLOSING,
	NKSTAT_ORPHANS_A_LAST_ACK,
	/* with the zero-window probe timer pending (ss: timer "persist") */
	NKSTAT_ORPHANS_A_ZERO_WINDOW_PROBING,
	/* of those, by icsk_probes_out, as NKSTAT_HIST_BUCKETS */
	NKSTAT_ORPHANS_A_PROBES_HIST,
	NKSTAT_ORPHANS_A_MAX_BACKOFF,	/* of those, the highest icsk_backoff */
	/* retransmitting into a zero window (retransmit timer pending) */
	NKSTAT_ORPHANS_A_ZERO_WINDOW_RTO,

	__NKSTAT_ORPHANS_A_MAX,
	NKSTAT_ORPHANS_A_MAX = __NKSTAT_ORPHANS_A_MAX - 1
};

/*
 * TCP connections the kernel aborted, per netns, one cause each, u64.
 * Each timeout abort is counted when the kernel counts it in
 * TCPAbortOnTimeout, under the cause its timer found; those that cannot
 * be told apart go to OTHER. Their sum plus MEMORY follows
 * TCPAbortOnTimeout plus TCPAbortOnMemory from the module's load on.
 */
enum nkstat_aborts_attr {
	NKSTAT_ABORTS_A_UNSPEC,
	NKSTAT_ABORTS_A_PAD,
	NKSTAT_ABORTS_A_RETRIES2,	/* retransmits: net.ipv4.tcp_retries2 */
	NKSTAT_ABORTS_A_USER_TIMEOUT,	/* TCP_USER_TIMEOUT expired */
	/* an orphan's retransmits: net.ipv4.tcp_orphan_retries */
	NKSTAT_ABORTS_A_ORPHAN_RETRIES,
	/* an orphan facing a zero window: tcp_orphan_retries */
	NKSTAT_ABORTS_A_ORPHAN_ZERO_WINDOW,
	NKSTAT_ABORTS_A_KEEPALIVE,	/* keepalive probes unanswered */
	/* SYN (tcp_syn_retries) or Fast Open SYN-ACK retransmits */
	NKSTAT_ABORTS_A_SYN_RETRIES,
	/* too many orphans or out of memory: TCPAbortOnMemory itself */
	NKSTAT_ABORTS_A_MEMORY,
	NKSTAT_ABORTS_A_OTHER,
	/* retransmitting into a zero window, no ACK for 2 * TCP_RTO_MAX */
	NKSTAT_ABORTS_A_ZERO_WINDOW_RTO,

	__NKSTAT_ABORTS_A_MAX,
	NKSTAT_ABORTS_A_MAX = __NKSTAT_ABORTS_A_MAX - 1
};

/* The timer an orphan waits on, as ss names them. */
enum nkstat_tcp_timer {
	NKSTAT_TCP_TIMER_NONE,
	NKSTAT_TCP_TIMER_RETRANS,	/* "on": retransmit, loss probe */
	NKSTAT_TCP_TIMER_PROBE0,	/* "persist": zero-window probe */
	NKSTAT_TCP_TIMER_KEEPALIVE,	/* "keepalive", also FIN_WAIT2's */
};

/* One orphan of the caller's netns. Scalars are u32. */
enum nkstat_orphan_attr {
	NKSTAT_ORPHAN_A_UNSPEC,
	NKSTAT_ORPHAN_A_FAMILY,		/* AF_INET or AF_INET6 */
	NKSTAT_ORPHAN_A_SADDR,		/* binary, 4 or 16 bytes */
	NKSTAT_ORPHAN_A_DADDR,		/* binary, 4 or 16 bytes */
	NKSTAT_ORPHAN_A_SPORT,
	NKSTAT_ORPHAN_A_DPORT,
	NKSTAT_ORPHAN_A_STATE,		/* TCP_FIN_WAIT1 ... */
	NKSTAT_ORPHAN_A_TIMER,		/* enum nkstat_tcp_timer */
	NKSTAT_ORPHAN_A_PROBES_OUT,	/* icsk_probes_out */
	NKSTAT_ORPHAN_A_BACKOFF,	/* icsk_backoff */
	NKSTAT_ORPHAN_A_SND_WND,	/* the window the peer offers */
	NKSTAT_ORPHAN_A_PACKETS_OUT,	/* sent, not acknowledged */
	/* zero-window probing: since it began; else since the peer's last ACK */
	NKSTAT_ORPHAN_A_SINCE_PROGRESS_MS,

	__NKSTAT_ORPHAN_A_MAX,
	NKSTAT_ORPHAN_A_MAX = __NKSTAT_ORPHAN_A_MAX - 1
};

#endif /* _UAPI_LINUX_NKSTAT_H */
