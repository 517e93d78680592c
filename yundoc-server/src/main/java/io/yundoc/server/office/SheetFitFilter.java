package io.yundoc.server.office;

import com.sun.star.beans.XPropertySet;
import com.sun.star.container.XNameAccess;
import com.sun.star.lang.XComponent;
import com.sun.star.style.XStyleFamiliesSupplier;
import org.jodconverter.core.office.OfficeContext;
import org.jodconverter.local.filter.Filter;
import org.jodconverter.local.filter.FilterChain;
import org.jodconverter.local.office.utils.Calc;
import org.jodconverter.local.office.utils.Lo;

/**
 * {@code fit_to_width} / {@code fit_to_height} (docs/api-families.md §F3.2, spreadsheets only): before the export,
 * every page style of a spreadsheet is set to lay all its columns ({@code ScaleToPagesX} = 1) and/or all its rows
 * ({@code ScaleToPagesY} = 1) out on one page; 0 leaves that direction unbounded. Other documents pass unchanged.
 */
final class SheetFitFilter implements Filter {
    private final boolean width;
    private final boolean height;

    SheetFitFilter(boolean width, boolean height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void doFilter(OfficeContext context, XComponent document, FilterChain chain) throws Exception {
        if (Calc.isCalc(document)) {
            XStyleFamiliesSupplier families = Lo.qi(XStyleFamiliesSupplier.class, document);
            XNameAccess pageStyles =
                    Lo.qi(XNameAccess.class, families.getStyleFamilies().getByName("PageStyles"));
            for (String name : pageStyles.getElementNames()) {
                XPropertySet style = Lo.qi(XPropertySet.class, pageStyles.getByName(name));
                // setting the X/Y pair switches the style to "fit to pages" mode (it overrides PageScale)
                style.setPropertyValue("ScaleToPagesX", (short) (width ? 1 : 0));
                style.setPropertyValue("ScaleToPagesY", (short) (height ? 1 : 0));
            }
        }
        chain.doFilter(context, document);
    }
}
