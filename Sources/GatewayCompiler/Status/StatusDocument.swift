import GatewayIR

/// Builds the `kind: List` that `gwc lint --conditions` prints: every object with the `status` a
/// controller would write, in the shape `kubectl get -o yaml` shows.
public enum StatusDocument {
    static let controllerName = "agentgateway.dev/agentgateway"

    public static func build(_ result: LintResult) -> JSONValue {
        var items: [JSONValue] = []
        for status in result.status.gateways {
            items.append(object("gateway.networking.k8s.io/v1", "Gateway", status.key, status: .object([
                "conditions": conditions(status.conditions),
                "listeners": .array(status.listeners.map { listener in
                    .object([
                        "name": .string(listener.name),
                        "supportedKinds": .array(listener.supportedKinds.map { .object(["group": .string($0.group), "kind": .string($0.kind)]) }),
                        "attachedRoutes": .int(listener.attachedRoutes),
                        "conditions": conditions(listener.conditions),
                    ])
                }),
            ])))
        }
        for status in result.status.routes {
            items.append(object("gateway.networking.k8s.io/v1", "HTTPRoute", status.key, status: .object([
                "parents": .array(status.parents.map { parent in
                    .object([
                        "parentRef": .object([
                            "group": .string(parent.parentRef.group), "kind": .string(parent.parentRef.kind),
                            "namespace": .string(parent.parentNamespace), "name": .string(parent.parentRef.name),
                            "sectionName": JSONValue.string(parent.parentRef.sectionName), "port": parent.parentRef.port.map { .int($0) },
                        ]),
                        "controllerName": .string(controllerName),
                        "conditions": conditions(parent.conditions),
                    ])
                }),
            ])))
        }
        for status in result.status.backends {
            items.append(object("agentgateway.dev/v1alpha1", "AgentgatewayBackend", status.key, status: .object(["conditions": conditions(status.conditions)])))
        }
        for status in result.status.policies {
            items.append(object("agentgateway.dev/v1alpha1", "AgentgatewayPolicy", status.key, status: .object([
                "ancestors": .array(status.ancestors.map { ancestor in
                    .object([
                        "ancestorRef": .object([
                            "group": .string(ancestor.ancestorRef.group), "kind": ancestor.ancestorRef.kind.isEmpty ? nil : .string(ancestor.ancestorRef.kind),
                            "namespace": ancestor.ancestorRef.namespace.isEmpty ? nil : .string(ancestor.ancestorRef.namespace),
                            "name": .string(ancestor.ancestorRef.name),
                        ]),
                        "controllerName": .string(controllerName),
                        "conditions": conditions(ancestor.conditions),
                    ])
                }),
            ])))
        }
        return .object(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(items)])
    }

    private static func object(_ apiVersion: String, _ kind: String, _ key: ObjectKey, status: JSONValue) -> JSONValue {
        .object([
            "apiVersion": .string(apiVersion), "kind": .string(kind),
            "metadata": .object(["name": .string(key.name), "namespace": key.namespace.isEmpty ? nil : .string(key.namespace)]),
            "status": status,
        ])
    }

    private static func conditions(_ conditions: [Condition]) -> JSONValue {
        .array(conditions.map { condition in
            .object([
                "type": .string(condition.type), "status": .string(condition.status), "reason": .string(condition.reason),
                "message": .string(condition.message),
            ])
        })
    }
}
