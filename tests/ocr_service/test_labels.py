import pytest

from ocr_service.labels import clean, kinds


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("持有份额(份)：", ("held",)), ("可用份额…………", ("available",)), ("持有份额 ........ ", ("held",)),
        ("冻结份额", ("other_share",)), ("持仓。", ("held",)), ("银行卡．", ("id",)), ("可赎回份额．，", ("available",)), ("份额，", ("held",)), ("可回份额：", ("available",)), ("基金代码：", ("code",)), ("证券名称", ("name",)),
        ("持仓/可用", ("held", "available")), ("名称/代码", ("name", "code")), ("现价/成本", ("price", "price")),
        ("持仓可用", ("held", "available")), ("代码名称", ("code", "name")), ("持仓收益", ("profit",)),
        ("持仓成本价", ("price",)), ("单位净值", ("price",)), ("可用资金", ("money",)), ("持有收益(元)", ("profit",)),
        ("收益率(%)", ("rate",)), ("确认日期", ("date",)), ("验证码", ("id",)), ("邮编", ("id",)), ("工单号", ("id",)),
        ("易方达蓝筹精选混合", ()), ("", ()),
    ],
)
def test_kinds(head, expected):
    assert kinds(clean(head)) == expected


@pytest.mark.parametrize("label", ["基金代号", "代号", "产品代号", "基金代码"])
def test_a_code_number_is_a_fund_code_label_not_an_id(label):
    assert kinds(label) == ("code",)
