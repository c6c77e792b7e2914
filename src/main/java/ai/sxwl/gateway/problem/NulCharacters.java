package ai.sxwl.gateway.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.IOException;
import java.util.Optional;

/**
 * Text with a NUL character (U+0000) is refused where it comes in: PostgreSQL cannot store it, so it would otherwise
 * surface as a 500 (or a 503 on the callback path) deep in a transaction. Path and query parameters are checked
 * before routing; every string field of a JSON body read into an object is checked by Jackson. Bodies kept as raw
 * JSON text hold it escaped ({@code \u0000}), which is storable.
 */
@Singleton
public class NulCharacters implements ObjectMapperCustomizer {

    static final String DETAIL = "Text may not contain the NUL character (U+0000).";

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> refuseNulInUri(ContainerRequestContext request) {
        String uri = request.getUriInfo().getRequestUri().getRawPath() + "?"
                + request.getUriInfo().getRequestUri().getRawQuery();
        return uri.contains("%00") || uri.indexOf('\0') >= 0
                ? Optional.of(Problem.of(400, "Bad Request", "A path or query parameter is not storable: " + DETAIL)
                .toResponse())
                : Optional.empty();
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(new SimpleModule("nul-free-strings").addDeserializer(String.class, new NulFree()));
    }

    /** The standard String deserializer, refusing a value with a NUL. */
    static final class NulFree extends StdScalarDeserializer<String> {

        NulFree() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String value = StringDeserializer.instance.deserialize(parser, context);
            if (value != null && value.indexOf('\0') >= 0) {
                throw InvalidFormatException.from(parser, DETAIL, value, String.class);
            }
            return value;
        }
    }
}
