package dev.baton.actors.replay;

import dev.baton.actors.json.Json;
import dev.baton.actors.scheduler.ScheduleOrders;
import dev.baton.actors.stream.CommandKind;
import dev.baton.actors.trace.ChromeTrace;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gantt chart is well-formed SVG with one rect per command, and a predicted step is a valid Chrome trace. */
class GanttSvgTest {
    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void twoPanelsHaveOneRectPerCommandOnOneTimeAxis() throws Exception {
        Timeline recorded = Timeline.of(StepSimulatorTest.recorded());
        StepShape shape = StepShape.of(StepSimulatorTest.recorded());
        Timeline predicted = StepSimulator.simulate(StepGraph.build(shape,
                new ScheduleOrders(List.of("b", "a"), List.of("b", "a"), List.of())), 2,
                Calibration.of(List.of(recorded), List.of()));
        String svg = GanttSvg.render(List.of(new GanttSvg.Panel("recorded", recorded), new GanttSvg.Panel("b first", predicted)));
        Document d = parse(svg);
        assertEquals("svg", d.getDocumentElement().getLocalName());
        NodeList rects = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        int commands = 0;
        int legend = 0;
        double maxRight = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("cmd")) {
                commands++;
                double x = Double.parseDouble(r.getAttribute("x"));
                double w = Double.parseDouble(r.getAttribute("width"));
                assertTrue(x >= 150 && w >= 0.5, "inside the chart: " + x + " " + w);
                maxRight = Math.max(maxRight, x + w);
                assertEquals(1, r.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title").getLength());
            } else if (r.getAttribute("class").equals("legend")) {
                legend++;
            }
        }
        assertEquals(recorded.commands().size() + predicted.commands().size(), commands);
        // the longer step (the prediction, 320 µs) ends at the right edge of the shared axis
        assertEquals(1400 - 30, maxRight, 0.05);
        assertEquals(2 + 6, legend, "two parameters and six kind shades");
        assertTrue(svg.contains("recorded: 0.290 ms") && svg.contains("b first: 0.320 ms"));
    }

    @Test
    void labelsAreEscaped() throws Exception {
        TimedCommand c = new TimedCommand(0, "compute", 0, CommandKind.UPDATE, "x&y<z>", 0, -1, 0, 0, 10, List.of());
        String svg = GanttSvg.render(List.of(new GanttSvg.Panel("a \"quoted\" <title>", new Timeline(1, List.of(c)))));
        Document d = parse(svg);
        assertTrue(d.getDocumentElement().getTextContent().contains("x&y<z>"));
        assertTrue(d.getDocumentElement().getTextContent().contains("a \"quoted\" <title>"));
    }

    @Test
    void aPredictedStepIsAChromeTraceWithOneEventPerCommand() {
        Timeline recorded = Timeline.of(StepSimulatorTest.recorded());
        StepShape shape = StepShape.of(StepSimulatorTest.recorded());
        Timeline predicted = StepSimulator.simulate(StepGraph.build(shape, shape.orders()), 2,
                Calibration.of(List.of(recorded), List.of()));
        Map<String, Object> trace = Json.parseObject(ChromeTrace.toJson(predicted.asExecuted(7, "predicted")));
        int complete = 0;
        for (Object o : (List<?>) trace.get("traceEvents")) {
            Map<?, ?> e = (Map<?, ?>) o;
            if ("X".equals(e.get("ph"))) {
                complete++;
                if ("all_gather a".equals(e.get("name"))) {
                    assertEquals(240.0, ((Number) e.get("ts")).doubleValue(), 1e-9);
                    assertEquals(50.0, ((Number) e.get("dur")).doubleValue(), 1e-9);
                }
            }
        }
        assertEquals(predicted.commands().size(), complete);
    }
}
