// SPDX-License-Identifier: GPL-2.0
/*
 * connect_storm PORT HOLD THREADS: ephemeral-port exhaustion with many
 * connect() calls in flight at once, for selftests/lossy.sh. Run it in
 * a fresh netns whose ip_local_port_range holds HOLD ports.
 *
 * Listens on 127.0.0.1:PORT, fills the range with HOLD connections to
 * it, then releases THREADS threads at once through a barrier, each
 * connecting once more to 127.0.0.1:PORT. Each such connect() scans the
 * whole range (every port's 4-tuple to that address is taken) and fails
 * with EADDRNOTAVAIL; the scan reschedules after each port, so the calls
 * overlap. Prints one JSON object: what the threads saw, and
 * max_in_flight, the most connect() calls that were under way at one
 * time (from each call's start and end).
 *
 * On one CPU a scan is preempted only when the scheduler says so, at a
 * tick (4 ms at HZ=250), about as long as a whole scan under TCG: most
 * calls would end before the last began. A SCHED_FIFO thread waking
 * every 200 us preempts the scan running then, and the scheduler next
 * picks a thread that has not run yet, so every call begins early.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct call {
	pthread_t tid;
	int fd;
	int err;		/* 0 or the errno of connect() */
	long long t0, t1;	/* ns, CLOCK_MONOTONIC */
};

static struct sockaddr_in dst = { .sin_family = AF_INET };
static pthread_barrier_t go;
static volatile int storming;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *storm(void *arg)
{
	struct call *c = arg;

	pthread_barrier_wait(&go);
	c->t0 = now_ns();
	c->err = connect(c->fd, (struct sockaddr *)&dst, sizeof(dst)) ? errno : 0;
	c->t1 = now_ns();
	return NULL;
}

static void *ticker(void *arg)
{
	struct timespec ts = { .tv_nsec = 200 * 1000 };

	(void)arg;
	while (storming)
		nanosleep(&ts, NULL);
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The most intervals [t0, t1] that overlap at one instant. */
static int max_overlap(const struct call *calls, int n)
{
	long long *ev = calloc(2 * n, sizeof(*ev));
	int i, cur = 0, best = 0;

	if (!ev)
		return -1;
	/* starts as 2t + 1 sort after ends at the same t: touching is not overlap */
	for (i = 0; i < n; i++) {
		ev[2 * i] = 2 * calls[i].t0 + 1;
		ev[2 * i + 1] = 2 * calls[i].t1;
	}
	qsort(ev, 2 * n, sizeof(*ev), cmp_ll);
	for (i = 0; i < 2 * n; i++) {
		cur += (ev[i] & 1) ? 1 : -1;
		if (cur > best)
			best = cur;
	}
	free(ev);
	return best;
}

int main(int argc, char **argv)
{
	int port, hold, threads, i, srv, c, child, one = 1;
	int ok = 0, eaddrnotavail = 0, other = 0;
	long long first_end = 0, last_start = 0, t0;
	struct sched_param rt = { .sched_priority = 1 };
	pthread_attr_t attr, rt_attr;
	pthread_t tick;
	struct rlimit rl;
	struct call *calls;

	if (argc != 4 || (port = atoi(argv[1])) <= 0 || (hold = atoi(argv[2])) < 0 ||
	    (threads = atoi(argv[3])) <= 0) {
		fprintf(stderr, "usage: connect_storm PORT HOLD THREADS\n");
		return 2;
	}
	rl.rlim_cur = rl.rlim_max = 2 * hold + threads + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("setrlimit");
		return 1;
	}
	dst.sin_port = htons(port);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(AF_INET, SOCK_STREAM, 0);
	if (srv < 0 || setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(srv, (struct sockaddr *)&dst, sizeof(dst)) || listen(srv, 128)) {
		perror("listener");
		return 1;
	}
	/* HOLD connections, each accepted at once, hold every port */
	t0 = now_ns();
	for (i = 0; i < hold; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&dst, sizeof(dst))) {
			perror("holding connect");
			fprintf(stderr, "connect_storm: %d of %d held\n", i, hold);
			return 1;
		}
		child = accept(srv, NULL, NULL);
		if (child < 0) {
			perror("accept");
			return 1;
		}
	}
	fprintf(stderr, "connect_storm: %d connections held in %lld ms\n", hold,
		(now_ns() - t0) / 1000000);

	calls = calloc(threads, sizeof(*calls));
	if (!calls || pthread_barrier_init(&go, NULL, threads + 1) ||
	    pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, 64 * 1024))
		return 1;
	for (i = 0; i < threads; i++) {
		calls[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		if (calls[i].fd < 0 ||
		    pthread_create(&calls[i].tid, &attr, storm, &calls[i])) {
			fprintf(stderr, "connect_storm: thread %d: cannot start\n", i);
			return 1;
		}
	}
	storming = 1;
	if (pthread_attr_init(&rt_attr) ||
	    pthread_attr_setinheritsched(&rt_attr, PTHREAD_EXPLICIT_SCHED) ||
	    pthread_attr_setschedpolicy(&rt_attr, SCHED_FIFO) ||
	    pthread_attr_setschedparam(&rt_attr, &rt) ||
	    pthread_create(&tick, &rt_attr, ticker, NULL)) {
		fprintf(stderr, "connect_storm: cannot start the SCHED_FIFO ticker\n");
		return 1;
	}
	t0 = now_ns();
	pthread_barrier_wait(&go);
	for (i = 0; i < threads; i++)
		pthread_join(calls[i].tid, NULL);
	storming = 0;
	pthread_join(tick, NULL);
	for (i = 0; i < threads; i++) {
		if (!calls[i].err)
			ok++;
		else if (calls[i].err == EADDRNOTAVAIL)
			eaddrnotavail++;
		else
			other++;
		if (!first_end || calls[i].t1 < first_end)
			first_end = calls[i].t1;
		if (calls[i].t0 > last_start)
			last_start = calls[i].t0;
	}
	printf("{\"held\": %d, \"threads\": %d, \"ok\": %d, \"eaddrnotavail\": %d, "
	       "\"other\": %d, \"max_in_flight\": %d, \"all_started_before_one_ended\": %s, "
	       "\"storm_ms\": %lld}\n",
	       hold, threads, ok, eaddrnotavail, other, max_overlap(calls, threads),
	       last_start < first_end ? "true" : "false", (now_ns() - t0) / 1000000);
	return 0;
}
