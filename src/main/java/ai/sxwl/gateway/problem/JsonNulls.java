package ai.sxwl.gateway.problem;

import ai.sxwl.gateway.problem.Problem.FieldError;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON {@code null} anywhere in a request body is a 422 problem naming where it is: absent is how a client leaves a
 * field out, and a null inside a list or object ({"eventTypes":[null]}) would otherwise reach code that never expects
 * one. Bodies read into objects are checked here, before Jackson binds them; a resource that reads the body as bytes
 * (the submit proxy) checks its tree with {@link #refuse}. The callback receivers read bytes and keep their own rules
 * (SXWL's sender may post nulls).
 */
@Provider
public class JsonNulls implements ReaderInterceptor {

    private final ObjectMapper mapper;

    JsonNulls(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Class<?> type = context.getType();
        if (!MediaType.APPLICATION_JSON_TYPE.isCompatible(context.getMediaType()) || type == byte[].class
                || type == String.class || type.isPrimitive()) {
            return context.proceed();
        }
        byte[] body = context.getInputStream().readAllBytes();
        try {
            refuse(mapper.readTree(body));
        } catch (JsonProcessingException unreadable) {
            // Jackson answers it when it binds the body (400, ProblemMappers).
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /** Throws the 422 problem when the tree holds a null (the body itself may be absent: null). */
    public static void refuse(JsonNode body) {
        if (body == null) {
            return;
        }
        nullAt(body, "").ifPresent(path -> {
            throw new ProblemException(Problem.invalid("The body holds a JSON null; leave a field out instead.",
                    List.of(new FieldError(path.isEmpty() ? "the body" : path, "must not be null"))));
        });
    }

    private static Optional<String> nullAt(JsonNode node, String path) {
        if (node.isNull()) {
            return Optional.of(path);
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> found = nullAt(node.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                Optional<String> found = nullAt(field.getValue(), path.isEmpty() ? field.getKey()
                        : path + "." + field.getKey());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
