package io.yundoc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The eight scopes of api.md §3.3. */
class ScopeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            user_basic,              USER_BASIC,              用户基本信息
            access_personal_files,   ACCESS_PERSONAL_FILES,   访问个人文档
            download_personal_files, DOWNLOAD_PERSONAL_FILES, 下载文档
            create_personal_files,   CREATE_PERSONAL_FILES,   创建个人文档
            edit_personal_files,     EDIT_PERSONAL_FILES,     编辑文档内容
            modify_personal_files,   MODIFY_PERSONAL_FILES,   修改个人文档
            remove_personal_files,   REMOVE_PERSONAL_FILES,   删除个人文档
            clone_personal_files,    CLONE_PERSONAL_FILES,    复制个人文档
            """)
    void documentedScopes(String wire, Scope expected, String displayZh) {
        assertThat(Scope.parse(wire)).contains(expected);
        assertThat(expected.wireName()).isEqualTo(wire);
        assertThat(expected.displayZh()).isEqualTo(displayZh);
    }

    @Test
    void editPersonalFilesExists() {
        // the personal-links page prints 访问个人文档, a copy slip (api.md §1.6); every ksheet, dbt and webhook page
        // prints 编辑文档内容 (api-families.md §F0 (row 1)), which the consent page shows
        assertThat(Scope.parse("edit_personal_files")).contains(Scope.EDIT_PERSONAL_FILES);
        assertThat(Scope.EDIT_PERSONAL_FILES.displayZh())
                .isEqualTo("编辑文档内容")
                .isNotEqualTo(Scope.ACCESS_PERSONAL_FILES.displayZh());
    }

    @Test
    void exactlyEightScopes() {
        assertThat(Scope.values()).hasSize(8);
        assertThat(Arrays.stream(Scope.values()).map(Scope::wireName).distinct())
                .hasSize(8);
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void parseRoundTrips(Scope s) {
        assertThat(Scope.parse(s.wireName())).contains(s);
        assertThat(s.wireName()).matches("[a-z_]+");
        assertThat(s.displayEn()).isNotBlank();
        assertThat(s.displayZh()).isNotBlank();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "USER_BASIC",
                "User_Basic",
                " user_basic",
                "user_basic ",
                "user",
                "admin",
                "user_basic,access_personal_files"
            })
    void parseRejectsUnknownNames(String name) {
        assertThat(Scope.parse(name)).isEmpty();
    }
}
