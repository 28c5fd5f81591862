"""scripts/e2e-tls.sh's client side: the openai SDK over TLS (trusting the run's test CA), which
certificate SNI selects, and a certificate replaced at reload while an open connection keeps working.

usage: e2e_tls.py CA_FILE PORT (ask | rotate SECRET_DIR NEW_CRT NEW_KEY TABLE_TRIGGER)
"""
import http.client, os, shutil, socket, ssl, sys, time

ca, port = sys.argv[1], int(sys.argv[2])


def context():
    ctx = ssl.create_default_context(cafile=ca)
    return ctx


def peer_common_name(host):
    """The CN of the certificate gwrun serves for SNI `host` on a new connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context().wrap_socket(raw, server_hostname=host) as tls:
            subject = dict(item[0] for item in tls.getpeercert()["subject"])
            return subject["commonName"]


if sys.argv[3] == "ask":
    import openai
    # The SDK connects to a.example.test (so SNI and the certificate check use that name), which
    # this process resolves to 127.0.0.1; its HTTP client trusts the run's test CA only.
    original = socket.getaddrinfo
    socket.getaddrinfo = lambda host, *rest: original("127.0.0.1" if host == "a.example.test" else host, *rest)
    client = openai.OpenAI(base_url=f"https://a.example.test:{port}/v1", api_key="unused", http_client=openai.DefaultHttpxClient(verify=context()))
    answer = client.chat.completions.create(model="claude-opus-4-7", messages=[{"role": "user", "content": "Say hello over TLS"}])
    print("sdk-answer:", answer.choices[0].message.content.strip()[:60])
    for host in ["a.example.test", "x.b.example.test"]:
        print(f"sni {host}: CN={peer_common_name(host)}")
    try:
        peer_common_name("c.example.test")
        print("sni c.example.test: served")
    except (ssl.SSLError, ConnectionError, OSError) as error:
        print("sni c.example.test: refused")
elif sys.argv[3] == "rotate":
    secret_dir, new_crt, new_key, trigger = sys.argv[4:8]
    before = peer_common_name("a.example.test")
    open_connection = http.client.HTTPSConnection("127.0.0.1", port, context=context(), timeout=5)
    open_connection.server_hostname = "a.example.test"
    # http.client takes SNI from the host; connect by hand with the right name.
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    open_connection.sock = context().wrap_socket(raw, server_hostname="a.example.test")
    open_connection.request("GET", "/hello", headers={"Host": "a.example.test"})
    first = open_connection.getresponse().read().decode()
    # Replace the Secret's files as Kubernetes does (new files renamed into place), then reload.
    for source, name in [(new_crt, "tls.crt"), (new_key, "tls.key")]:
        shutil.copy(source, os.path.join(secret_dir, name + ".new"))
        os.replace(os.path.join(secret_dir, name + ".new"), os.path.join(secret_dir, name))
    os.kill(int(trigger), 1)  # SIGHUP: gwrun reloads
    after = before
    for _ in range(50):
        after = peer_common_name("a.example.test")
        if after != before:
            break
        time.sleep(0.1)
    open_connection.request("GET", "/hello", headers={"Host": "a.example.test"})
    second = open_connection.getresponse().read().decode()
    print(f"before={before} after={after} open-connection={first}|{second}")
