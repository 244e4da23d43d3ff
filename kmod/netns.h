/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NKS_NETNS_H
#define _NKS_NETNS_H

#include <linux/types.h>

struct net;

int nks_netns_init(void);
void nks_netns_exit(void);

void nks_netns_count_request(struct net *net);
u64 nks_netns_requests(struct net *net);

#endif /* _NKS_NETNS_H */
