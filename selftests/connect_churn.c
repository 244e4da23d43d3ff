// SPDX-License-Identifier: GPL-2.0
/*
 * connect_churn N: N TCP connections over loopback, each connected,
 * accepted and closed (client first), one after another. Prints the
 * elapsed time in microseconds. Used by scripts/bench-ports to measure
 * the cost of nkstat's hooks; run it in a fresh netns each time.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int n, i, srv, c, child;
	long long t0;

	n = argc == 2 ? atoi(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: connect_churn COUNT\n");
		return 1;
	}
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(srv, 128) || getsockname(srv, (struct sockaddr *)&sa, &len)) {
		perror("connect_churn: listener");
		return 1;
	}
	t0 = now_us();
	for (i = 0; i < n; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("connect_churn: connect");
			return 1;
		}
		child = accept(srv, NULL, NULL);
		if (child < 0) {
			perror("connect_churn: accept");
			return 1;
		}
		close(c);
		close(child);
	}
	printf("%lld\n", now_us() - t0);
	return 0;
}
