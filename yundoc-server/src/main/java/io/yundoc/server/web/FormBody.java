package io.yundoc.server.web;

import io.helidon.common.GenericType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.common.parameters.Parameters;
import io.helidon.http.media.FormParamsSupport;
import io.helidon.http.media.MediaSupport;
import io.helidon.http.media.MediaSupport.SupportLevel;
import io.yundoc.server.api.Call;
import io.yundoc.server.core.ApiException;
import java.io.ByteArrayInputStream;

/**
 * A posted HTML form ({@code application/x-www-form-urlencoded}), decoded by Helidon's own form reader. The body is
 * read through {@link Call#body()}, so the 1 MiB limit of every body holds (10001 beyond it); a body that is not a
 * form, or does not decode (a bad {@code %} escape, an unknown charset), is 10001 as well. The first value of a
 * repeated name counts; a name without a value reads as {@code ""}.
 */
public final class FormBody {
    private static final MediaSupport FORMS = FormParamsSupport.create();
    private static final GenericType<Parameters> PARAMETERS = GenericType.create(Parameters.class);
    private final Parameters params;

    private FormBody(Parameters params) {
        this.params = params;
    }

    public static FormBody of(Call c) {
        byte[] body = c.body();
        var headers = c.request().headers();
        var reader = FORMS.reader(PARAMETERS, headers);
        // only url-encoded forms (or no Content-Type): Helidon would also read text/plain, which no page posts
        if (reader.support() == SupportLevel.NOT_SUPPORTED
                || headers.contentType()
                        .map(t -> !t.test(MediaTypes.APPLICATION_FORM_URLENCODED))
                        .orElse(false)) {
            throw ApiException.invalid("form body must be application/x-www-form-urlencoded");
        }
        try {
            return new FormBody(reader.supplier().get().read(PARAMETERS, new ByteArrayInputStream(body), headers));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("form body is not valid application/x-www-form-urlencoded");
        }
    }

    /** The first value of {@code name}, {@code ""} when it was sent without one, null when it was not sent. */
    public String get(String name) {
        if (!params.contains(name)) {
            return null;
        }
        return params.first(name).orElse("");
    }

    public boolean has(String name) {
        return params.contains(name);
    }

    public String getOrDefault(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }
}
