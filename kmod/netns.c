// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns state. Each counter family keeps the counters it attributes
 * to a netns here; hot paths reach them with net_generic() and bump
 * per-CPU values without locks. Readers sum over the possible CPUs.
 */
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "netns.h"

struct nks_netns_pcpu {
	u64_stats_t requests;
	struct u64_stats_sync syncp;
};

struct nks_netns {
	struct nks_netns_pcpu __percpu *pcpu;
};

static unsigned int nks_netns_id __read_mostly;

static struct nks_netns *nks_netns(struct net *net)
{
	return net_generic(net, nks_netns_id);
}

static int __net_init nks_netns_net_init(struct net *net)
{
	struct nks_netns *nn = nks_netns(net);

	nn->pcpu = netdev_alloc_pcpu_stats(struct nks_netns_pcpu);
	return nn->pcpu ? 0 : -ENOMEM;
}

static void __net_exit nks_netns_net_exit(struct net *net)
{
	free_percpu(nks_netns(net)->pcpu);
}

static struct pernet_operations nks_netns_ops = {
	.init = nks_netns_net_init,
	.exit = nks_netns_net_exit,
	.id = &nks_netns_id,
	.size = sizeof(struct nks_netns),
};

void nks_netns_count_request(struct net *net)
{
	struct nks_netns_pcpu *s = get_cpu_ptr(nks_netns(net)->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->requests);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(s);
}

u64 nks_netns_requests(struct net *net)
{
	struct nks_netns *nn = nks_netns(net);
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct nks_netns_pcpu *s = per_cpu_ptr(nn->pcpu, cpu);
		unsigned int start;
		u64 v;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->requests);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum += v;
	}
	return sum;
}

int nks_netns_init(void)
{
	return register_pernet_subsys(&nks_netns_ops);
}

void nks_netns_exit(void)
{
	unregister_pernet_subsys(&nks_netns_ops);
}
