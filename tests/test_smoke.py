from conftest import Sim


async def test_send_then_delivered_then_report_once(sim: Sim) -> None:
    sent = await sim.send("41793026727")
    message_id = sent["messages"][0]["messageId"]
    await sim.advance(5)
    reports = await sim.reports()
    assert [r["messageId"] for r in reports] == [message_id]
    assert reports[0]["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert await sim.reports() == []
