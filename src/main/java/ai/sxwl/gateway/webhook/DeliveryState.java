package ai.sxwl.gateway.webhook;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Locale;

/** pending (not tried yet), failed (retrying), delivered, dead (gave up; can be redelivered). */
public enum DeliveryState {
    PENDING, FAILED, DELIVERED, DEAD;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    public static DeliveryState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Stored by its lowercase name. */
    @Converter(autoApply = true)
    public static class Column implements AttributeConverter<DeliveryState, String> {
        @Override
        public String convertToDatabaseColumn(DeliveryState state) {
            return state == null ? null : state.wire();
        }

        @Override
        public DeliveryState convertToEntityAttribute(String value) {
            return value == null ? null : fromWire(value);
        }
    }
}
