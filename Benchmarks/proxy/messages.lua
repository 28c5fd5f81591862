-- wrk: the same request as chat.lua in Anthropic's Messages format, as the anthropic SDK sends it.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-api-key"] = "sk-bench-7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.body = '{"model":"claude-opus-4-7","max_tokens":1024,"system":"You are a skilled cloud-native network engineer.","messages":[{"role":"user","content":"Write me a paragraph containing the best way to think about Istio Ambient Mesh"}]}'
