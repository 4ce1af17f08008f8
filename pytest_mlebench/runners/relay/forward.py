"""Inside the container: relay 127.0.0.1:PORT to a harness Unix socket (validation, LLM gateway).

Started by entrypoint.sh with ``forward.py SOCKET PORT``. It returns once the port
is bound (the serving process lives on in the background), so the agent never
races it. Standard library only: it runs on the image's python3.
"""

import os
import socket
import sys
import threading


def pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(listener: socket.socket, target: str) -> None:
    while True:
        client, _ = listener.accept()
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(target)
        except OSError:
            client.close()
            upstream.close()
            continue
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


def main() -> None:
    target, port = sys.argv[1], int(sys.argv[2])
    listener = socket.create_server(("127.0.0.1", port))
    if os.fork():
        os._exit(0)
    os.setsid()
    serve(listener, target)


if __name__ == "__main__":
    main()
