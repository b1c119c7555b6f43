from hypothesis import given, settings, strategies as st
from desktop.shop.guides import parse_body, body_markdown
@settings(max_examples=20000, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab *_#-+1.)\\\n <>&`~|[]!\t2é李")))
def test_rt(text):
    b = parse_body(text)
    assert parse_body(body_markdown(b)) == b
