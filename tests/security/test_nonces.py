"""AES-GCM nonces from the pool: never the same twice, across threads and across a fork."""

import os
import threading

from patroon.security.crypto import NONCE_BYTES, NoncePool


def test_nonces_are_unique_across_blocks_and_threads():
    pool = NoncePool()
    taken: list[list[bytes]] = [[] for _ in range(4)]

    def draw(into: list[bytes]) -> None:
        for _ in range(3 * NoncePool.BLOCK):
            into.append(pool.take())

    threads = [threading.Thread(target=draw, args=(into,)) for into in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [nonce for into in taken for nonce in into]
    assert len(everything) == 12 * NoncePool.BLOCK
    assert all(len(nonce) == NONCE_BYTES for nonce in everything)
    assert len(set(everything)) == len(everything)


def test_a_forked_child_does_not_reuse_the_parents_block():
    pool = NoncePool()
    pool.take()  # the block is drawn: the child must not continue from it
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write, pool.take())
        os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    from_child = os.read(read, NONCE_BYTES)
    os.close(read)
    assert len(from_child) == NONCE_BYTES
    assert from_child != pool.take()
