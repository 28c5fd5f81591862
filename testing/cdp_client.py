"""scripts/e2e-cdp.sh's CDP client (Python `websockets` from PyPI): through gwrun it opens a page
in the headless Chromium, then reads the page's title over the DevTools WebSocket.

usage: cdp_client.py GATEWAY_PORT [BIND_ADDRESS]    prints `title: ...` or `refused: ...`
"""
import asyncio, json, socket, sys, urllib.request
from urllib.parse import quote

import websockets

port, bind = int(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1")
base = f"http://127.0.0.1:{port}"


class BoundHandler(urllib.request.HTTPHandler):
    def http_open(self, request):
        import http.client
        return self.do_open(lambda host, **kw: http.client.HTTPConnection(host, source_address=(bind, 0), **kw), request)


async def main():
    opener = urllib.request.build_opener(BoundHandler)
    page = "data:text/html," + quote("<title>gwc cdp relay</title><p>hello")
    try:
        target = json.load(opener.open(urllib.request.Request(f"{base}/json/new?{page}", method="PUT"), timeout=10))
    except OSError as error:
        print(f"refused: {type(error).__name__}")
        return
    # The browser names its own address in webSocketDebuggerUrl; the agent keeps the path and
    # connects through the gateway.
    path = target["webSocketDebuggerUrl"].split("/", 3)[3]
    sock = socket.create_connection(("127.0.0.1", port), source_address=(bind, 0))
    async with websockets.connect(f"ws://127.0.0.1:{port}/{path}", sock=sock, open_timeout=10) as ws:
        for attempt in range(50):
            await ws.send(json.dumps({"id": attempt + 1, "method": "Runtime.evaluate", "params": {"expression": "document.title"}}))
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == attempt + 1:
                    break
            title = message.get("result", {}).get("result", {}).get("value")
            if title:
                print(f"title: {title}")
                return
            await asyncio.sleep(0.1)
    print("title: (none)")

asyncio.run(main())
