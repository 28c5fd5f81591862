import GatewayIR

extension ManifestDecoder {
    mutating func decodeHermes(_ root: Node, document: Document) {
        let reader = NodeReader(document: document)
        if let schema = StructuralSchema.catalogue["hermes"] {
            var validator = SchemaValidator(document: document, object: "Hermes config \(document.file.path)")
            validator.validate(root, against: schema, path: "")
            report(validator.diagnostics)
        }
        func text(_ node: Node?, _ keys: [String]) -> HermesString? {
            for key in keys {
                if let value = node?[key], let string = value.scalarText, !string.isEmpty {
                    return HermesString(value: string, location: reader.location(value))
                }
            }
            return nil
        }
        var model: HermesModel?
        let modelNode = root["model"]
        if let modelNode, case .scalar = modelNode, let name = modelNode.scalarText, !name.isEmpty {
            model = HermesModel(defaultModel: name, provider: root["provider"]?.scalarText, baseURL: text(root, ["base_url", "api_base"]), apiKey: text(root, ["api_key"]), apiMode: text(root, ["api_mode"]), location: reader.location(modelNode), providerLocation: root["provider"].map { reader.location($0) })
        } else if let modelNode, case .mapping = modelNode {
            // Root-level provider/base_url are moved into `model.*` by Hermes' normalizer.
            let providerNode = modelNode["provider"] ?? root["provider"]
            model = HermesModel(
                defaultModel: reader.string(modelNode, "default") ?? reader.string(modelNode, "model") ?? reader.string(modelNode, "name"),
                provider: providerNode?.scalarText,
                baseURL: text(modelNode, ["base_url", "api_base"]) ?? text(root, ["base_url", "api_base"]),
                apiKey: text(modelNode, ["api_key", "api"]) ?? text(root, ["api_key"]),
                apiMode: text(modelNode, ["api_mode"]) ?? text(root, ["api_mode"]),
                location: reader.location(modelNode), providerLocation: providerNode.map { reader.location($0) })
        } else if root["provider"] != nil || root["base_url"] != nil {
            model = HermesModel(
                defaultModel: nil, provider: root["provider"]?.scalarText, baseURL: text(root, ["base_url", "api_base"]), apiKey: text(root, ["api_key"]),
                apiMode: text(root, ["api_mode"]), location: reader.location(root), providerLocation: root["provider"].map { reader.location($0) })
        }

        func provider(_ node: Node, name: String, legacy: Bool) -> HermesProvider {
            var models: [String] = []
            switch node["models"] {
            case .sequence(let items, _)?:
                models = items.compactMap { $0.scalarText ?? reader.string($0, "id") ?? reader.string($0, "name") }
            case .mapping(let entries, _)?:
                models = entries.map(\.key.text)
            default: break
            }
            return HermesProvider(
                name: name, legacy: legacy,
                // The runtime resolver reads `api` first, then `url`, then `base_url`.
                baseURL: text(node, ["api", "url", "base_url"]), apiKey: text(node, ["api_key"]),
                keyEnv: text(node, ["key_env", "api_key_env", "apiKeyEnv", "keyEnv"]), apiMode: text(node, ["api_mode", "transport"]),
                models: models, extraHeaders: reader.stringMap(node["extra_headers"]), location: reader.location(node))
        }
        var providers: [HermesProvider] = []
        for entry in reader.entries(root["providers"]) where entry.value.isNull == false {
            providers.append(provider(entry.value, name: entry.key.text, legacy: false))
        }
        for item in reader.items(root, "custom_providers") {
            providers.append(provider(item, name: reader.string(item, "name") ?? "", legacy: true))
        }

        func endpoint(_ node: Node, role: String) -> HermesEndpoint {
            HermesEndpoint(
                role: role, provider: reader.string(node, "provider"), model: reader.string(node, "model"),
                baseURL: text(node, ["base_url", "api_base", "url", "api"]), apiKey: text(node, ["api_key"]), apiMode: text(node, ["api_mode", "transport"]),
                location: reader.location(node))
        }
        var endpoints: [HermesEndpoint] = []
        if let delegation = root["delegation"], case .mapping = delegation { endpoints.append(endpoint(delegation, role: "delegation")) }
        for entry in reader.entries(root["auxiliary"]) {
            if case .mapping = entry.value { endpoints.append(endpoint(entry.value, role: "auxiliary.\(entry.key.text)")) }
        }
        for (index, item) in reader.items(root, "fallback_providers").enumerated() {
            endpoints.append(endpoint(item, role: "fallback_providers[\(index)]"))
        }
        switch root["fallback_model"] {
        case .mapping?: if let node = root["fallback_model"] { endpoints.append(endpoint(node, role: "fallback_model")) }
        case .sequence(let items, _)?: for (index, item) in items.enumerated() { endpoints.append(endpoint(item, role: "fallback_model[\(index)]")) }
        default: break
        }
        result.objectCount += 1
        var config = HermesConfig(file: document.file.path, location: reader.location(root), model: model, providers: providers, endpoints: endpoints)
        func listener(_ name: String, credential: String) -> HermesListeners.Listener? {
            guard let platform = root["platforms"]?[name] else { return nil }
            let extra = platform["extra"]
            return HermesListeners.Listener(
                enabled: platform["enabled"]?.scalarText.map { ["true", "yes", "on", "1"].contains($0.lowercased()) } ?? false,
                host: text(extra, ["host"]), port: text(extra, ["port"]), credential: text(extra, [credential]), location: reader.location(platform))
        }
        config.listeners.apiServer = listener("api_server", credential: "key")
        config.listeners.webhook = listener("webhook", credential: "secret")
        for entry in reader.entries(root["api_server"]) where ["host", "port", "key"].contains(entry.key.text) {
            config.listeners.topLevelAPIServer[entry.key.text] = reader.location(entry.key.mark)
        }
        for entry in reader.entries(root["mcp_servers"]) {
            if let url = text(entry.value, ["url"]) { config.listeners.mcpServers.append((entry.key.text, url)) }
        }
        result.resources.hermesConfigs.append(config)
    }
}
