-- wrk: the seed's chat completion request, as an OpenAI client sends it.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer sk-bench-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e"
wrk.body = '{"model":"claude-opus-4-7","max_tokens":1024,"messages":[{"role":"system","content":"You are a skilled cloud-native network engineer."},{"role":"user","content":"Write me a paragraph containing the best way to think about Istio Ambient Mesh"}]}'
