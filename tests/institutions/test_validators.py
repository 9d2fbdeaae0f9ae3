"""统一社会信用代码 (GB 32100-2015): real codes pass, each kind of error is named."""
import pytest
from django.core.exceptions import ValidationError

from institutions.validators import (
    credit_code_check_char,
    credit_code_errors,
    make_credit_code,
    normalise_credit_code,
    organisation_check_char,
    validate_credit_code,
)
from tests.factories import credit_code

# Published codes of well-known entities, and the standard's own example.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司 (组织机构代码 19220382-1)
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91350100M000100Y43",  # GB 32100-2015 附录中的示例
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert credit_code_errors(code) == []
    validate_credit_code(code)


def test_check_characters_computed_by_hand():
    # GB 11714 for 19220382: Σ = 1·3+9·7+2·9+2·10+0·5+3·8+8·4+2·2 = 164; 11 − 164 mod 11 = 1.
    assert organisation_check_char("19220382") == "1"
    # GB 32100 for 91440300192203821: Σ(value × 3^(i−1) mod 31) mod 31 → check "6".
    assert credit_code_check_char("91440300192203821") == "6"


@pytest.mark.parametrize("prefix", ["91500103", "12500103", "52500103", "Y1500103"])
def test_generated_codes_for_every_registration_department_are_valid(prefix):
    for n in range(1, 50):
        code = make_credit_code(prefix, f"{n:08d}")
        assert credit_code_errors(code) == [], code
    assert credit_code(7) == make_credit_code("91500103", "MA000007")


def test_empty_code():
    assert credit_code_errors("") == ["统一社会信用代码不能为空"]


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382166"])
def test_wrong_length(code):
    (message,) = credit_code_errors(code)
    assert "应为18位" in message and f"现为{len(code)}位" in message


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_the_standard_leaves_out(letter):
    code = "91440300192203821" + letter
    (message,) = credit_code_errors(code)
    assert "不允许的字符" in message and letter in message


def test_punctuation_refused():
    assert "不允许的字符" in credit_code_errors("91440300-92203821X")[0]


def test_wrong_check_digit_names_the_expected_one():
    errors = credit_code_errors("914403001922038217")
    assert errors == ["统一社会信用代码校验位错误：第18位（GB 32100 校验码）应为“6”，现为“7”"]
    assert credit_code_errors("914403001922038216") == []  # as told: valid


def _told(message: str, before: str) -> str:
    return message.split(before)[1][0]


@pytest.mark.parametrize("position", [8, 10, 15, 16])
def test_a_wrong_organisation_code_names_its_part_and_following_the_advice_gives_a_valid_code(position):
    code = list(REAL_CODES[0])
    code[position] = "8" if code[position] != "8" else "7"
    (message,) = credit_code_errors("".join(code))
    assert message.startswith("统一社会信用代码第9–17位（组织机构代码，GB 11714）校验位错误")
    assert "第18位应为" not in message  # never the 18th alone: that advice failed
    if position == 16:  # the check character itself mistyped: the advice restores the code
        code[16] = _told(message, "将第17位改为“")
        code[17] = _told(message, "随之改为“")
        assert "".join(code) == REAL_CODES[0]
    else:  # a typo in 9–16: fixing 17 and 18 as told yields a well-formed code (the typo is the user's to spot)
        code[16] = _told(message, "将第17位改为“")
        code[17] = _told(message, "随之改为“")
    assert credit_code_errors("".join(code)) == []


def test_the_18th_message_once_the_organisation_code_is_right():
    code = list(REAL_CODES[0])
    code[17] = "7" if code[17] != "7" else "8"
    (message,) = credit_code_errors("".join(code))
    code[17] = _told(message, "应为“")
    assert credit_code_errors("".join(code)) == []


@pytest.mark.parametrize("position", range(17))
def test_any_single_character_change_is_caught(position):
    code = list(REAL_CODES[0])
    code[position] = "8" if code[position] != "8" else "7"
    assert credit_code_errors("".join(code)), position


def test_invalid_registration_department_code():
    first17 = "0" + "1440300192203821"
    code = first17 + credit_code_check_char(first17)
    assert credit_code_errors(code) == ["统一社会信用代码第1位（登记管理部门码）“0”无效"]


def test_region_code_must_be_digits():
    first17 = "9144A300192203821"
    code = first17 + credit_code_check_char(first17)
    assert credit_code_errors(code) == ["统一社会信用代码第3–8位（行政区划码）“44A300”应为6位数字"]


def test_organisation_code_check_character():
    first17 = "91440300192203822"  # 主体标识码 19220382-2: its own check is wrong
    code = first17 + credit_code_check_char(first17)
    expected_18th = credit_code_check_char("91440300192203821")
    assert credit_code_errors(code) == [
        "统一社会信用代码第9–17位（组织机构代码，GB 11714）校验位错误：按第9–16位“19220382”，第17位校验码应为“1”，"
        f"现为“2”。请先核对第9–16位；若无误，将第17位改为“1”，第18位（GB 32100 校验码）随之改为“{expected_18th}”"
    ]


def test_normalisation_of_what_people_type():
    assert normalise_credit_code(" ９１４４０３００１９２２０３８２１６ ") == "914403001922038216"
    assert normalise_credit_code("91330100716105852f") == "91330100716105852F"
    assert normalise_credit_code(None) == ""


def test_model_validator_raises_chinese_message():
    with pytest.raises(ValidationError) as info:
        validate_credit_code("914403001922038217")
    assert "校验位错误" in info.value.messages[0]
