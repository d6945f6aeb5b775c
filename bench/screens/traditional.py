"""A page family the shipped model has never seen: Hong Kong and Taiwan fund apps, in traditional characters
and with their own terms (基金代號, 持有單位, 可贖回單位 ...), for measuring what staff corrections teach.

    python -m bench.screens.traditional --out /tmp/trad --count 100 --seed 31

writes screenshots and `labels.jsonl` in the form of `bench.screens.render` (layout `traditional/<layout>`).
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import replace
from pathlib import Path

from bench.screens.render import BLURS, QUALITIES, WIDTHS, draw_page, encode
from ner_service.data.pages import Page, generate_page
from testkit.fonts import INSTALL, available_fonts

LAYOUTS = ("inline", "stacked", "columns", "broker", "payment", "bank")
# Longer terms first: each is replaced before the shorter ones inside it.
TERMS = (
    ("可赎回份额", "可贖回單位"), ("可用份额", "可用單位"), ("可卖份额", "可賣單位"), ("持有份额", "持有單位"),
    ("持仓份额", "持倉單位"), ("冻结份额", "凍結單位"), ("在途份额", "在途單位"), ("赎回中份额", "贖回中單位"),
    ("基金代码", "基金代號"), ("产品代码", "產品代號"), ("证券代码", "證券代號"), ("代码", "代號"),
    ("份额", "單位"), ("持仓", "持倉"), ("可用", "可用"), ("市值", "市值"), ("收益", "收益"),
)
SIMPLIFIED = "万业东买亏产仅仓价优伟债儿兴军农冻净创剂华单卖南博参发员国图场坚块声处备复夏头奖宁实宽对将尔尽层岁币师广庄应开异弃张录态总恒悦惊护报担拥择换据数无时昼显晒术机杂权来极构标样检汇沪测济浅涨润涌渔温湿满滚灵灾点热爱牵状独狭献环现电画畅疗盖盘睿种积称稳笔筹签简粮红纳纵纯纸线组细终经结绘给络绝统继绩续绿缓编网罗联肃肤胜脑舍艺节苍范荣药获营萝蓝虑虽补见规视览觉观订认讨让训记讲许论设证评识诉诊译试诚话询详语误说请诸诺读课调谈谨谱财责败货质购贵费贸资赁赎赏赚赢车转轮软轻载较辑输达过运还这进远违连迟选递逻遗邮采释里钞钟钢钱铁银锋错锐长门闪问闭间阅队阳阴际陆陈险随隐难静韩页项顺须预领频题风飞饭馆香马驰验鱼鸟鸡鹏麦齐龙额码号宝丰务动势级医强团体亿账户击计当确荐约导则"
TRADITIONAL = "萬業東買虧產僅倉價優偉債兒興軍農凍淨創劑華單賣南博參發員國圖場堅塊聲處備複夏頭獎寧實寬對將爾盡層歲幣師廣莊應開異棄張錄態總恆悅驚護報擔擁擇換據數無時晝顯曬術機雜權來極構標樣檢匯滬測濟淺漲潤湧漁溫濕滿滾靈災點熱愛牽狀獨狹獻環現電畫暢療蓋盤睿種積稱穩筆籌簽簡糧紅納縱純紙線組細終經結繪給絡絕統繼績續綠緩編網羅聯肅膚勝腦捨藝節蒼範榮藥獲營蘿藍慮雖補見規視覽覺觀訂認討讓訓記講許論設證評識訴診譯試誠話詢詳語誤說請諸諾讀課調談謹譜財責敗貨質購貴費貿資賃贖賞賺贏車轉輪軟輕載較輯輸達過運還這進遠違連遲選遞邏遺郵採釋裡鈔鐘鋼錢鐵銀鋒錯銳長門閃問閉間閱隊陽陰際陸陳險隨隱難靜韓頁項順須預領頻題風飛飯館香馬馳驗魚鳥雞鵬麥齊龍額碼號寶豐務動勢級醫強團體億賬戶擊計當確薦約導則"
assert len(SIMPLIFIED) == len(TRADITIONAL)
_CHARS = str.maketrans(SIMPLIFIED, TRADITIONAL)


def traditional(text: str) -> str:
    for simplified, hk in TERMS:
        text = text.replace(simplified, hk)
    return text.translate(_CHARS)


def traditional_page(page: Page) -> Page:
    """The same page, every text in traditional characters and terms; the truth is unchanged."""
    rows = tuple(
        replace(row, cells=tuple(
            replace(cell, spans=tuple(replace(piece, text=traditional(piece.text)) for piece in cell.spans))
            for cell in row.cells
        ))
        for row in page.rows
    )  # fmt: skip
    return replace(page, layout=f"traditional/{page.layout}", rows=rows)


def render_family(out: Path, *, count: int, seed: int) -> Path:
    """Write `count` screenshots of the family, cycling through its layouts and the installed fonts."""
    fonts = available_fonts()
    if not fonts:
        raise SystemExit(f"no CJK font installed: {INSTALL}")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"traditional-{seed}")
    labels = out / "labels.jsonl"
    with labels.open("w", encoding="utf-8") as sink:
        for i in range(count):
            page = traditional_page(generate_page(rng, layout=LAYOUTS[i % len(LAYOUTS)]))
            font, width = fonts[(i // len(LAYOUTS)) % len(fonts)], rng.choice(WIDTHS)
            quality, blur = rng.choice(QUALITIES), rng.choice(BLURS)
            image, _ = draw_page(page, rng, font=font, width=width)
            name = f"{i:04d}.jpg"
            (out / name).write_bytes(encode(image, quality=quality, blur=blur))
            record = {"path": name, "layout": page.layout, "app": page.app, "fund_code": page.fund_code,
                      "hold_share": page.hold_share, "flag": page.flag}  # fmt: skip
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=31)
    args = parser.parse_args()
    print(render_family(args.out, count=args.count, seed=args.seed))


if __name__ == "__main__":
    main()
