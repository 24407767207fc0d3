/*
 * Round trip of candidate Redis push layouts against a bare LPUSH, with hiredis in C (no Swift, no library work):
 * the measurement behind the one-LPUSH push (docs/performance.md, "Why the targets ...").
 *
 *   cc -O2 scripts/push-layouts.c -lhiredis -o /tmp/push-layouts && /tmp/push-layouts 127.0.0.1 6379
 *
 * Writes and deletes keys named push-layouts:*. Rounds of 1000 of each layout run in an order that rotates from
 * round to round, so every layout sees the same drift of the machine.
 */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { layouts = 5, rounds = 30, perRound = 1000 };
static const char *names[layouts] = {
    "LPUSH 3 bytes (ceiling)", "MULTI LPUSH HSET RPUSH EXEC", "LPUSH HSET RPUSH", "LPUSH HSET", "LPUSH inline element",
};
static char payload[291];
static long sequence;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void replies(redisContext *c, int count) {
    for (int k = 0; k < count; k++) {
        redisReply *reply;
        if (redisGetReply(c, (void **)&reply) != REDIS_OK) { fprintf(stderr, "%s\n", c->errstr); exit(1); }
        freeReplyObject(reply);
    }
}

/* The id into the ready list and the payload into the jobs hash: the core of the old layouts. */
static void appendIdAndPayload(redisContext *c, const char *id) {
    redisAppendCommand(c, "LPUSH push-layouts:ready %s", id);
    redisAppendCommand(c, "HSET push-layouts:jobs %s %s", id, payload);
}

static void push(redisContext *c, int layout) {
    char id[64];
    snprintf(id, sizeof id, "6f1c3c1e-9b0a-4a52-8f0e-%012ld", sequence++);
    switch (layout) {
    case 0: redisAppendCommand(c, "LPUSH push-layouts:ceiling xxx"); replies(c, 1); break;
    case 1:
        redisAppendCommand(c, "MULTI");
        appendIdAndPayload(c, id);
        redisAppendCommand(c, "RPUSH push-layouts:signal 1");
        redisAppendCommand(c, "EXEC");
        replies(c, 5);
        break;
    case 2:
        appendIdAndPayload(c, id);
        redisAppendCommand(c, "RPUSH push-layouts:signal 1");
        replies(c, 3);
        break;
    case 3:
        appendIdAndPayload(c, id);
        replies(c, 2);
        break;
    default: {
        char element[400];
        size_t idLength = strlen(id), length = 0;
        element[length++] = 0;
        memcpy(element + length, id, idLength), length += idLength;
        element[length++] = 0;
        memcpy(element + length, payload, 290), length += 290;
        redisAppendCommand(c, "LPUSH push-layouts:inline %b", element, length);
        replies(c, 1);
    }
    }
}

int main(int argc, char **argv) {
    redisContext *c = redisConnect(argc > 1 ? argv[1] : "127.0.0.1", argc > 2 ? atoi(argv[2]) : 6379);
    if (c == NULL || c->err) { fprintf(stderr, "cannot connect\n"); return 1; }
    memset(payload, 'x', 290);
    double total[layouts] = {0};
    for (int round = 0; round < rounds; round++) {
        for (int offset = 0; offset < layouts; offset++) {
            int layout = (round + offset) % layouts;
            double start = now();
            for (int i = 0; i < perRound; i++) push(c, layout);
            total[layout] += now() - start;
        }
    }
    for (int layout = 0; layout < layouts; layout++) {
        printf("%-28s %6.1f us per push  %.3f x ceiling\n", names[layout], total[layout] / (rounds * perRound) * 1e6,
               total[0] / total[layout]);
    }
    redisCommand(c, "DEL push-layouts:ceiling push-layouts:ready push-layouts:jobs push-layouts:signal push-layouts:inline");
    redisFree(c);
    return 0;
}
