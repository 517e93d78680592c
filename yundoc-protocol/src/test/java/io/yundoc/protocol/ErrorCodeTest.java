package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The error code table of api.md §2. */
class ErrorCodeTest {

    /** Every non-success row of the table: code, msg/result name, HTTP status (-1 where the table prints "—"). */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(textBlock = """
            10001, InvalidArgument,             400
            10002, Timeout,                     504
            10003, PermissionDenied,            403
            20001, InvalidCode,                 400
            20002, AppNotExist,                 400
            20003, InvalidScope,                400
            20004, InvalidRedirectUri,          400
            20005, InvalidResponseType,         400
            20006, AuditNotPass,                403
            20007, AccessTokenInvalid,          401
            30001, UserUnauthorized,            401
            30002, RateLimiter,                 429
            30003, InvalidSignature,            401
            30004, InternalError,               500
            30005, NoImpl,                      501
            30006, OnlineFileType,              409
            30007, UserAccountRestrictedAccess, 403
            30008, FileSizeLimited,             413
            30009, DownloadFail,                502
            30010, TooManyTask,                 429
            30011, ExecuteFailed,               500
            30012, FileNotExists,               404
            30014, LinkNotExists,               404
            30015, FileNameConflict,            409
            30016, TooManyWebhooks,             429
            40001, InvalidPermissionResponse,   -1
            40008, AccountUpgrading,            503
            """)
    void tableRowMatchesTheEnum(int code, String name, int http) {
        ErrorCode c = ErrorCode.of(code);
        assertThat(c.code()).isEqualTo(code);
        assertThat(c.wireName()).isEqualTo(name);
        if (http < 0) {
            // 40001 is never returned; the table gives no status, any error status will do
            assertThat(c.httpStatus()).isBetween(400, 599);
        } else {
            assertThat(c.httpStatus()).isEqualTo(http);
        }
    }

    @Test
    void enumHasExactlyTheTableCodes() {
        Set<Integer> table = Set.of(
                10001, 10002, 10003, 20001, 20002, 20003, 20004, 20005, 20006, 20007, 30001, 30002, 30003, 30004, 30005,
                30006, 30007, 30008, 30009, 30010, 30011, 30012, 30014, 30015, 30016, 40001, 40008);
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet()))
                .isEqualTo(table);
        assertThat(ErrorCode.values()).hasSize(table.size());
    }

    @Test
    void codesAndNamesAreUnique() {
        assertThat(Arrays.stream(ErrorCode.values())
                        .map(ErrorCode::code)
                        .distinct()
                        .count())
                .isEqualTo(ErrorCode.values().length);
        assertThat(Arrays.stream(ErrorCode.values())
                        .map(ErrorCode::wireName)
                        .distinct()
                        .count())
                .isEqualTo(ErrorCode.values().length);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void ofRoundTrips(ErrorCode c) {
        assertThat(ErrorCode.of(c.code())).isSameAs(c);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyStatusIsAnErrorStatus(ErrorCode c) {
        assertThat(c.httpStatus()).isBetween(400, 599);
        assertThat(c.wireName()).matches("[A-Z][A-Za-z]+");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, 10000, 10004, 30013, 30017, 40002, 99999, Integer.MAX_VALUE, Integer.MIN_VALUE})
    void ofRejectsCodesOutsideTheTable(int code) {
        assertThatThrownBy(() -> ErrorCode.of(code)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namedConstantsUsedByTheVerifier() {
        assertThat(ErrorCode.INVALID_SIGNATURE.code()).isEqualTo(30003);
        assertThat(ErrorCode.APP_NOT_EXIST.code()).isEqualTo(20002);
        assertThat(ErrorCode.AUDIT_NOT_PASS.code()).isEqualTo(20006);
        assertThat(ErrorCode.INVALID_SIGNATURE.httpStatus()).isEqualTo(401);
    }
}
