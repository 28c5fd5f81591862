-- wrk: the seed's chat completion request, as an OpenAI client sends it.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"claude-opus-4-7","max_tokens":1024,"messages":[{"role":"system","content":"You are a skilled cloud-native network engineer."},{"role":"user","content":"Write me a paragraph containing the best way to think about Istio Ambient Mesh"}]}'
